package dev.flows.dsl;

/**
 * The tasks of one queue, before the work is chosen.
 *
 * @param <V> the task type
 */
public interface TaskSource<V> {
  /**
   * Runs {@code function} on every task: at-least-once, up to {@code concurrency} at once, retried
   * with backoff when it throws, dead-lettered to {@code <queue>.dlq} when attempts are used up. A
   * task is acknowledged (removed from the queue) only after the function returned, and after its
   * result was acknowledged when the flow has a result topic ({@link TaskFlow#to}).
   */
  <R> TaskFlow<R> run(TaskFunction<? super V, ? extends R> function);
}
