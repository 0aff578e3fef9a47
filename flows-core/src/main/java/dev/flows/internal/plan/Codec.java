package dev.flows.internal.plan;

import dev.flows.FormatException;
import dev.flows.Message;
import dev.flows.Topic;
import dev.flows.format.Format;

/** Null-safe encoding and decoding: a null value is a null payload (a tombstone) and back. */
public final class Codec {
  private Codec() {}

  /** Encodes, mapping {@code null} to {@code null}. */
  @SuppressWarnings("unchecked")
  public static byte[] encode(Format<?> format, Object value) {
    if (value == null) {
      return null;
    }
    try {
      return ((Format<Object>) format).encode(value);
    } catch (FormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new FormatException("cannot encode with " + format.name() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Decodes key and value of a raw record with {@code topic}'s formats, keeping its coordinates.
   * The record's description is built only for a failure: this runs for every record consumed.
   */
  public static Message<Object, Object> decode(Topic<?, ?> topic, Message<byte[], byte[]> raw) {
    Object key;
    Object value;
    try {
      key = decodeOrThrow(topic.keyFormat(), raw.key());
    } catch (RuntimeException e) {
      throw failure(topic.keyFormat(), "key of " + where(raw), e);
    }
    try {
      value = decodeOrThrow(topic.valueFormat(), raw.value());
    } catch (RuntimeException e) {
      throw failure(topic.valueFormat(), "value of " + where(raw), e);
    }
    return new Message<>(
        raw.topic(), raw.partition(), raw.offset(), raw.timestamp(), key, value, raw.headers());
  }

  /** Decodes, mapping {@code null} to {@code null}; a failure names {@code what} was decoded. */
  public static Object decode(Format<?> format, byte[] bytes, String what) {
    try {
      return decodeOrThrow(format, bytes);
    } catch (RuntimeException e) {
      throw failure(format, what, e);
    }
  }

  /**
   * Decodes, mapping {@code null} to {@code null}, throwing what the format throws: for a caller
   * that describes a {@link #failure} only when there is one.
   */
  public static Object decodeOrThrow(Format<?> format, byte[] bytes) {
    return bytes == null ? null : format.decode(bytes);
  }

  /** The exception for {@code e}, thrown by {@code format} decoding {@code what}. */
  public static FormatException failure(Format<?> format, String what, RuntimeException e) {
    return e instanceof FormatException
        ? new FormatException("cannot decode " + what + ": " + e.getMessage(), e)
        : new FormatException(
            "cannot decode " + what + " with " + format.name() + ": " + e.getMessage(), e);
  }

  private static String where(Message<byte[], byte[]> raw) {
    return raw.topic() + "-" + raw.partition() + "@" + raw.offset();
  }
}
