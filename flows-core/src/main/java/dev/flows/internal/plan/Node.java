package dev.flows.internal.plan;

import dev.flows.Message;

/**
 * One step of a compiled pipeline: receives a decoded record and pushes zero or more records to the
 * next node. The record is a {@link Message}: the input's topic, partition and offset, and the key,
 * value, headers and timestamp as the steps before set them. Nodes are immutable and shared by all
 * lanes; per-record state lives in the scope.
 */
@FunctionalInterface
public interface Node {
  /** Processes one record. User exceptions propagate to the one place that handles them. */
  void accept(RecordScope scope, Message<Object, Object> record) throws Exception;
}
