package dev.flows.dsl;

import dev.flows.Queue;

/** The start of a task flow: choose the queue it consumes. */
public interface TaskBuilder {
  /** Consumes tasks from {@code queue}. */
  <V> TaskSource<V> from(Queue<V> queue);
}
