package dev.flows;

import java.util.Objects;

/**
 * A record read from (or written to) a topic, with its coordinates. Immutable; the withers return a
 * copy and may change the key or value type. The DSL's {@code ...Message} functions receive the
 * record being processed as one (its coordinates are the input's) and return the outputs as ones
 * (their key, value, headers and timestamp are the output's).
 *
 * @param topic the topic it was read from
 * @param partition the partition, or {@link #NO_PARTITION} for a record not yet written
 * @param offset the offset in the partition, or {@link #NO_OFFSET}
 * @param timestamp milliseconds since the epoch
 * @param key the key, may be {@code null}
 * @param value the value, may be {@code null} (a tombstone)
 * @param headers the headers, never {@code null}
 */
public record Message<K, V>(
    String topic, int partition, long offset, long timestamp, K key, V value, Headers headers) {

  /** The partition of a record that has not been written yet. */
  public static final int NO_PARTITION = -1;

  /** The offset of a record that has not been written yet. */
  public static final long NO_OFFSET = -1L;

  /** Validates that topic and headers are present. */
  public Message {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(headers, "headers");
  }

  /** A copy with another key. */
  public <K2> Message<K2, V> withKey(K2 newKey) {
    return new Message<>(topic, partition, offset, timestamp, newKey, value, headers);
  }

  /** A copy with another value. */
  public <V2> Message<K, V2> withValue(V2 newValue) {
    return new Message<>(topic, partition, offset, timestamp, key, newValue, headers);
  }

  /**
   * A copy with another timestamp.
   *
   * @throws IllegalArgumentException if {@code newTimestamp} is negative (Kafka refuses it)
   */
  public Message<K, V> withTimestamp(long newTimestamp) {
    if (newTimestamp < 0) {
      throw new IllegalArgumentException(
          "a timestamp must be 0 or more milliseconds since the epoch, got " + newTimestamp);
    }
    return new Message<>(topic, partition, offset, newTimestamp, key, value, headers);
  }

  /** A copy with other headers. */
  public Message<K, V> withHeaders(Headers newHeaders) {
    return new Message<>(topic, partition, offset, timestamp, key, value, newHeaders);
  }
}
