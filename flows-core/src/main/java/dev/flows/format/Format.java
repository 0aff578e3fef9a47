package dev.flows.format;

import dev.flows.FormatException;

/**
 * Turns values into bytes and back. Implementations must be thread-safe and stateless. {@code null}
 * never reaches a format: the runtime maps a {@code null} value to a {@code null} payload and back
 * (a tombstone).
 *
 * @param <T> the value type
 */
public interface Format<T> {

  /** Encodes a non-null value. Throws {@link FormatException} if it cannot. */
  byte[] encode(T value);

  /** Decodes a non-null payload. Throws {@link FormatException} if it cannot. */
  T decode(byte[] bytes);

  /**
   * A short name for plans and error messages, such as {@code "string"} or {@code "json(Order)"}.
   */
  String name();
}
