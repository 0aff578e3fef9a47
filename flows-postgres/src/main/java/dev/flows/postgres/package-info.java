/**
 * PostgreSQL for Flows: {@link dev.flows.postgres.PostgresStateStore}, the state store of stateful
 * flows, and {@link dev.flows.postgres.PostgresTableSink}, the table sink of materialise flows.
 *
 * <p>Both need the PostgreSQL JDBC driver ({@code org.postgresql:postgresql}), which this module
 * brings; a build that excludes it gets a {@link dev.flows.FlowDefinitionException} naming it when
 * a store or sink is created.
 */
package dev.flows.postgres;
