package dev.flows;

import java.time.Duration;

/**
 * How an http flow ({@link Flows#http}) accepts requests. Immutable; validated when built.
 *
 * @param maxBodyBytes the largest request body accepted; larger bodies are answered {@code 413}
 *     without being read to the end
 * @param ackTimeout how long a request waits for the broker to acknowledge its record; then it is
 *     answered {@code 503} (the record may still arrive: the client's retry can duplicate it). A
 *     Kafka producer that lacks the topic's metadata (topic missing, broker unreachable) blocks the
 *     send itself up to its {@code max.block.ms} (Kafka's default: 60 s) before that
 */
public record HttpOptions(int maxBodyBytes, Duration ackTimeout) {

  /** Default largest request body: {@value} bytes (1 MiB). */
  public static final int DEFAULT_MAX_BODY_BYTES = 1_048_576;

  /** Default wait for the broker's acknowledgement: {@value} seconds. */
  public static final long DEFAULT_ACK_TIMEOUT_SECONDS = 30;

  /** Validates every setting. */
  public HttpOptions {
    if (maxBodyBytes < 1) {
      throw FlowDefinitionException.of(
          "maxBodyBytes", maxBodyBytes, "must be at least 1", "use e.g. " + DEFAULT_MAX_BODY_BYTES);
    }
    if (ackTimeout == null || ackTimeout.isNegative() || ackTimeout.toMillis() < 1) {
      throw FlowDefinitionException.of(
          "ackTimeout",
          ackTimeout,
          "must be at least one millisecond",
          "use e.g. Duration.ofSeconds(30)");
    }
  }

  /**
   * Bodies up to {@value #DEFAULT_MAX_BODY_BYTES} bytes, {@value #DEFAULT_ACK_TIMEOUT_SECONDS} s
   * for the acknowledgement.
   */
  public static HttpOptions defaults() {
    return new HttpOptions(DEFAULT_MAX_BODY_BYTES, Duration.ofSeconds(DEFAULT_ACK_TIMEOUT_SECONDS));
  }

  /** A copy accepting bodies up to {@code bytes}. */
  public HttpOptions withMaxBodyBytes(int bytes) {
    return new HttpOptions(bytes, ackTimeout);
  }

  /** A copy waiting {@code timeout} for the broker's acknowledgement. */
  public HttpOptions withAckTimeout(Duration timeout) {
    return new HttpOptions(maxBodyBytes, timeout);
  }
}
