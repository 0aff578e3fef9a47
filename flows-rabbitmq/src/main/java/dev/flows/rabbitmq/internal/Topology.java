package dev.flows.rabbitmq.internal;

import com.rabbitmq.client.Channel;
import dev.flows.Queue;
import dev.flows.TaskOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;

/**
 * The queues of one task queue, all durable quorum queues, declared idempotently (same name, same
 * arguments, whoever declares first: the publisher or the executor).
 *
 * <ul>
 *   <li>{@code <queue>}: the work queue. A delivery limit of {@value #DELIVERY_LIMIT} dead-letters
 *       a task that keeps killing its worker (it never gets to fail cleanly) to the dead-letter
 *       queue.
 *   <li>{@code <queue>.delay.<millis>}: one delay queue per distinct backoff. Nobody consumes it;
 *       its message TTL expires each task after the backoff and dead-letters it (at-least-once)
 *       back to the work queue. All messages of one delay queue have the same TTL, so expiry is in
 *       order. The delay is in the name, so flows with other backoffs never clash with its
 *       arguments.
 *   <li>{@code <queue>.dlq}: tasks that failed for good, with the reason in headers.
 * </ul>
 *
 * Per-attempt delay queues were chosen over the quorum queue's delivery limit alone because a
 * redelivery after a nack is immediate: the limit bounds attempts but cannot space them out.
 */
public final class Topology {
  /** Redeliveries of one task (crashed workers) before the broker dead-letters it: {@value}. */
  public static final int DELIVERY_LIMIT = 20;

  private Topology() {}

  /** The name of the delay queue of {@code queue} for {@code delay}. */
  public static String delayQueue(String queue, Duration delay) {
    return queue + ".delay." + delay.toMillis();
  }

  /**
   * The distinct delays of {@code options}' retries and of transient failures (which grow up to
   * {@code maxBackoff} however many there are), shortest first.
   */
  public static TreeSet<Duration> delays(TaskOptions options) {
    TreeSet<Duration> delays = new TreeSet<>();
    for (int failed = 1; failed < options.maxAttempts(); failed++) {
      delays.add(options.backoffAfter(failed));
    }
    for (int failed = 1; failed <= 64; failed++) {
      Duration delay = options.transientBackoff(failed);
      delays.add(delay);
      if (delay.equals(options.maxBackoff())) {
        break;
      }
    }
    return delays;
  }

  /** Declares the work queue and its dead-letter queue: what a publisher needs. */
  public static void declareWorkQueue(Channel channel, String queue) throws IOException {
    String dlq = queue + Queue.DEAD_LETTER_SUFFIX;
    channel.queueDeclare(dlq, true, false, false, Map.of("x-queue-type", "quorum"));
    channel.queueDeclare(
        queue,
        true,
        false,
        false,
        Map.of(
            "x-queue-type",
            "quorum",
            "x-delivery-limit",
            DELIVERY_LIMIT,
            "x-dead-letter-exchange",
            "",
            "x-dead-letter-routing-key",
            dlq));
  }

  /**
   * Declares everything an executor needs: the work queue, its dead-letter queue and its delay
   * queues.
   */
  public static void declareAll(Channel channel, String queue, TaskOptions options)
      throws IOException {
    declareWorkQueue(channel, queue);
    for (Duration delay : delays(options)) {
      channel.queueDeclare(
          delayQueue(queue, delay),
          true,
          false,
          false,
          Map.of(
              "x-queue-type", "quorum",
              "x-message-ttl", delay.toMillis(),
              "x-dead-letter-exchange", "",
              "x-dead-letter-routing-key", queue,
              "x-dead-letter-strategy", "at-least-once",
              "x-overflow", "reject-publish"));
    }
  }
}
