/**
 * PostgreSQL for Flows: {@link dev.flows.postgres.PostgresStateStore}, the state store of stateful
 * flows.
 */
package dev.flows.postgres;
