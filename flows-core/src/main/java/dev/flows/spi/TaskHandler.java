package dev.flows.spi;

/**
 * Runs one delivered task; implemented by the runtime, called by a {@link TaskQueue} on one of its
 * worker threads. Returning means success: the queue acknowledges the task. Throwing {@link
 * dev.flows.FormatException} or {@link dev.flows.PermanentException} means the task can never
 * succeed: it is dead-lettered at once. Throwing {@link dev.flows.TransientException} means a
 * dependency is down: the task goes back to the queue after a delay that grows with each such
 * failure, without counting the attempt, and is never dead-lettered for it. Any other exception is
 * a failed attempt: retried with backoff, dead-lettered when attempts are used up.
 */
@FunctionalInterface
public interface TaskHandler {

  /** Runs the task; may be interrupted when it outlives its timeout. */
  void handle(IncomingTask task) throws Exception;
}
