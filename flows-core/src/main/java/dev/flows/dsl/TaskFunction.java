package dev.flows.dsl;

/**
 * The work of a task flow. May block (it runs on a worker thread, never on a Kafka poll loop) and
 * is interrupted when it outlives the timeout.
 *
 * @param <V> the task type
 * @param <R> the result type
 */
@FunctionalInterface
public interface TaskFunction<V, R> {
  /**
   * Does the work; returns the result for the result topic, or {@code null} for none. Throw to fail
   * the attempt.
   */
  R apply(V task) throws Exception;
}
