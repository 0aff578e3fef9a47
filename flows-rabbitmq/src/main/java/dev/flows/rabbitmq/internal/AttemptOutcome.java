package dev.flows.rabbitmq.internal;

/** How one attempt of a task ended, as {@link AttemptRunner} reports it. */
sealed interface AttemptOutcome {

  /** The handler returned. */
  record Succeeded() implements AttemptOutcome {}

  /**
   * The handler threw {@code cause}, or outlived the timeout ({@code cause} is then a {@link
   * java.util.concurrent.TimeoutException}).
   */
  record Failed(Exception cause) implements AttemptOutcome {}
}
