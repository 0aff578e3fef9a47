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
   */
  public static Message<Object, Object> decode(Topic<?, ?> topic, Message<byte[], byte[]> raw) {
    String where = raw.topic() + "-" + raw.partition() + "@" + raw.offset();
    Object key = decode(topic.keyFormat(), raw.key(), "key of " + where);
    Object value = decode(topic.valueFormat(), raw.value(), "value of " + where);
    return new Message<>(
        raw.topic(), raw.partition(), raw.offset(), raw.timestamp(), key, value, raw.headers());
  }

  /** Decodes, mapping {@code null} to {@code null}. */
  public static Object decode(Format<?> format, byte[] bytes, String what) {
    if (bytes == null) {
      return null;
    }
    try {
      return format.decode(bytes);
    } catch (FormatException e) {
      throw new FormatException("cannot decode " + what + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new FormatException(
          "cannot decode " + what + " with " + format.name() + ": " + e.getMessage(), e);
    }
  }
}
