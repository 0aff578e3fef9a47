/**
 * Implementation of the PostgreSQL state store and table sink; not an API, may change in any
 * release.
 */
package dev.flows.postgres.internal;
