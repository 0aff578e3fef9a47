/** Implementation of the PostgreSQL state store; not an API, may change in any release. */
package dev.flows.postgres.internal;
