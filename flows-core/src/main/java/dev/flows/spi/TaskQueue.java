package dev.flows.spi;

import dev.flows.TaskOptions;
import java.time.Duration;

/**
 * Task queues on a message broker: publishing with broker confirmation, and consuming with manual
 * acknowledgement, retries with backoff and a dead-letter queue. Implemented by flows-rabbitmq
 * ({@code RabbitTaskQueue}); the in-memory test driver has its own. Thread-safe.
 *
 * <p>Delivery semantics: at-least-once. A task is acknowledged to the sender only once the broker
 * stored it durably, and removed from the queue only after its handler returned; a consumer that
 * dies with unacknowledged tasks has them delivered again.
 */
public interface TaskQueue extends AutoCloseable {

  /**
   * Publishes a task; {@code ack} is called once, with {@code null} when the broker confirmed it
   * (stored durably), or with the error. Declares the queue first if needed.
   */
  void send(OutgoingTask task, Sink.Ack ack);

  /** Returns when every task sent so far is confirmed or failed, or {@code timeout} passed. */
  void flush(Duration timeout);

  /**
   * Starts consuming {@code queue} for {@code flow} (named in dead-letter headers) under {@code
   * options}: at most {@code options.concurrency()} tasks at once, each acknowledged only after
   * {@code handler} returned. Declares the queue, its delay queues and its dead-letter queue.
   * {@link TaskSubscription#close()} drains for at most {@code drainTimeout}.
   */
  TaskSubscription consume(
      String flow, String queue, TaskOptions options, Duration drainTimeout, TaskHandler handler);

  /**
   * Whether the queue is connected to its broker right now (no connection lost and still
   * recovering), for the readiness of task flows. Queues that cannot tell answer {@code true}.
   */
  default boolean isConnected() {
    return true;
  }

  /** Releases connections, waiting for tasks in flight. */
  @Override
  void close();
}
