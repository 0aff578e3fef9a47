package dev.flows.rabbitmq.internal;

import java.util.Map;

/**
 * Decides what becomes of a delivery from its attempt count and the attempt's outcome: a success is
 * acknowledged; a failure is retried through the delay queue of the next attempt, or dead-lettered
 * once attempts are used up (an undecodable task at once), where and with which headers {@link
 * Retries} says. Pure logic.
 */
final class RedeliveryPolicy {
  private final Retries retries;

  /** A policy that moves failed tasks as {@code retries} says. */
  RedeliveryPolicy(Retries retries) {
    this.retries = retries;
  }

  /**
   * The settlement of a delivery whose attempt {@code attempt} ended with {@code outcome}; {@code
   * headers} are the delivery's own (or {@code null}).
   */
  Settlement decide(int attempt, AttemptOutcome outcome, Map<String, Object> headers) {
    if (!(outcome instanceof AttemptOutcome.Failed failed)) {
      return new Settlement.Ack();
    }
    Retries.Next next = retries.after(attempt, failed.cause(), headers);
    return next.deadLetter()
        ? new Settlement.DeadLetter(next.queue(), next.headers(), attempt, failed.cause())
        : new Settlement.Retry(next.queue(), next.headers());
  }
}
