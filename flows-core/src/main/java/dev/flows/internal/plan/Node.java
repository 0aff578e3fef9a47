package dev.flows.internal.plan;

/**
 * One step of a compiled pipeline: receives a decoded record and pushes zero or more records to the
 * next node. Nodes are immutable and shared by all lanes; per-record state lives in the scope.
 */
@FunctionalInterface
public interface Node {
  /** Processes one record. User exceptions propagate to the one place that handles them. */
  void accept(RecordScope scope, Object key, Object value) throws Exception;
}
