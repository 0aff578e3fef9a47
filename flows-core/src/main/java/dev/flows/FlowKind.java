package dev.flows;

/** The kinds of flow step. */
public enum FlowKind {
  /** Per-record functions without state: at-least-once. */
  STATELESS,
  /** Keyed state with effectively-once state update and at-least-once publishing. */
  STATEFUL,
  /** Per-key pre-aggregation over one microbatch, one output per key and batch: at-least-once. */
  COLLECTOR,
  /**
   * Upserts records as rows into a table, one set-based write per batch: at-least-once, idempotent
   * upsert; a row the database refuses dead-letters its record alone.
   */
  MATERIALISE,
  /** Runs tasks from a task queue on worker threads, acknowledged after success: at-least-once. */
  TASK,
  /**
   * Produces values on a schedule to a task queue or a topic: each firing (missed ones are skipped)
   * produces once across replicas sharing a state store (claimed in it), else once per running
   * instance, and its value is published until the broker confirms it.
   */
  CRON,
  /**
   * Maps each POST request of one route to a record on a topic, answered 2xx only after Kafka
   * acknowledged the record: at-least-once (a client without a 2xx answer may retry).
   */
  HTTP
}
