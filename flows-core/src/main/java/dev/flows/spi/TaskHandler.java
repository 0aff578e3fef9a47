package dev.flows.spi;

/**
 * Runs one delivered task; implemented by the runtime, called by a {@link TaskQueue} on one of its
 * worker threads. Returning means success: the queue acknowledges the task. Throwing {@link
 * dev.flows.FormatException} means the task can never succeed: it is dead-lettered at once. Any
 * other exception is a failed attempt: retried with backoff, dead-lettered when attempts are used
 * up.
 */
@FunctionalInterface
public interface TaskHandler {

  /** Runs the task; may be interrupted when it outlives its timeout. */
  void handle(IncomingTask task) throws Exception;
}
