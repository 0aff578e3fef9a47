/**
 * PostgreSQL for Flows: {@link dev.flows.postgres.PostgresStateStore}, the state store of stateful
 * flows, and {@link dev.flows.postgres.PostgresTableSink}, the table sink of materialise flows.
 */
package dev.flows.postgres;
