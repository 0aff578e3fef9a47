package dev.flows;

/** The kinds of flow step. */
public enum FlowKind {
  /** Per-record functions without state: at-least-once. */
  STATELESS,
  /** Keyed state with effectively-once state update and at-least-once publishing. */
  STATEFUL,
  /** Per-key pre-aggregation over one microbatch, one output per key and batch: at-least-once. */
  COLLECTOR,
  /** Runs tasks from a task queue on worker threads, acknowledged after success: at-least-once. */
  TASK,
  /** Produces values on a schedule to a task queue or a topic: at most once per firing and instance. */
  CRON
}
