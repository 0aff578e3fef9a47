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
 * @param idempotencyWindow how long a request's {@code Idempotency-Key} header is remembered once
 *     its record was acknowledged: a request with a key seen within it is answered {@code 202}
 *     again without publishing, one while the first is in flight {@code 409}. Per process: replicas
 *     behind a load balancer do not share keys, so the key also travels as the record's {@value
 *     #IDEMPOTENCY_KEY_HEADER} header for readers to deduplicate on. {@link Duration#ZERO}: keys
 *     are ignored
 */
public record HttpOptions(int maxBodyBytes, Duration ackTimeout, Duration idempotencyWindow) {

  /** Default largest request body: {@value} bytes (1 MiB). */
  public static final int DEFAULT_MAX_BODY_BYTES = 1_048_576;

  /** Default wait for the broker's acknowledgement: {@value} seconds. */
  public static final long DEFAULT_ACK_TIMEOUT_SECONDS = 30;

  /** Default time an {@code Idempotency-Key} is remembered: {@value} minutes. */
  public static final long DEFAULT_IDEMPOTENCY_WINDOW_MINUTES = 10;

  /** The record header carrying a request's {@code Idempotency-Key}: {@value}. */
  public static final String IDEMPOTENCY_KEY_HEADER = "flows.idempotency.key";

  /** Options with the default idempotency window. */
  public HttpOptions(int maxBodyBytes, Duration ackTimeout) {
    this(maxBodyBytes, ackTimeout, Duration.ofMinutes(DEFAULT_IDEMPOTENCY_WINDOW_MINUTES));
  }

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
    if (idempotencyWindow == null || idempotencyWindow.isNegative()) {
      throw FlowDefinitionException.of(
          "idempotencyWindow",
          idempotencyWindow,
          "must be zero (keys ignored) or positive",
          "use e.g. Duration.ofMinutes(10)");
    }
  }

  /**
   * Bodies up to {@value #DEFAULT_MAX_BODY_BYTES} bytes, {@value #DEFAULT_ACK_TIMEOUT_SECONDS} s
   * for the acknowledgement, idempotency keys remembered {@value
   * #DEFAULT_IDEMPOTENCY_WINDOW_MINUTES} min.
   */
  public static HttpOptions defaults() {
    return new HttpOptions(DEFAULT_MAX_BODY_BYTES, Duration.ofSeconds(DEFAULT_ACK_TIMEOUT_SECONDS));
  }

  /** A copy accepting bodies up to {@code bytes}. */
  public HttpOptions withMaxBodyBytes(int bytes) {
    return new HttpOptions(bytes, ackTimeout, idempotencyWindow);
  }

  /** A copy waiting {@code timeout} for the broker's acknowledgement. */
  public HttpOptions withAckTimeout(Duration timeout) {
    return new HttpOptions(maxBodyBytes, timeout, idempotencyWindow);
  }

  /** A copy remembering {@code Idempotency-Key}s for {@code window} ({@code ZERO}: ignored). */
  public HttpOptions withIdempotencyWindow(Duration window) {
    return new HttpOptions(maxBodyBytes, ackTimeout, window);
  }
}
