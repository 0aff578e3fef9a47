package dev.flows;

import dev.flows.format.Format;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * The key of a windowed stateful flow: the record key and the window, {@code [start, end)} in
 * milliseconds since the epoch (event time).
 *
 * @param key the record key
 * @param start the window's first millisecond, inclusive
 * @param end the window's end, exclusive
 * @param <K> the record key type
 */
public record Windowed<K>(K key, long start, long end) {
  /** Validates the window. */
  public Windowed {
    if (end <= start) {
      throw new IllegalArgumentException("window end " + end + " is not after its start " + start);
    }
  }

  /** The window's start as an instant. */
  public Instant startTime() {
    return Instant.ofEpochMilli(start);
  }

  /** The window's end (exclusive) as an instant. */
  public Instant endTime() {
    return Instant.ofEpochMilli(end);
  }

  /**
   * The format of windowed keys whose record keys are in {@code keyFormat}: the key's bytes, then
   * the window start and end, each 8 bytes big-endian (Kafka Streams' time-windowed key followed by
   * the end, so a reader needs no window size).
   */
  public static <K> Format<Windowed<K>> format(Format<K> keyFormat) {
    Objects.requireNonNull(keyFormat, "keyFormat");
    return new Format<>() {
      @Override
      public byte[] encode(Windowed<K> value) {
        byte[] key = keyFormat.encode(value.key());
        return ByteBuffer.allocate(key.length + 16)
            .put(key)
            .putLong(value.start())
            .putLong(value.end())
            .array();
      }

      @Override
      public Windowed<K> decode(byte[] bytes) {
        if (bytes.length < 16) {
          throw new FormatException(
              "a windowed key has at least 16 bytes (start, end), got " + bytes.length, null);
        }
        ByteBuffer window = ByteBuffer.wrap(bytes, bytes.length - 16, 16);
        K key = keyFormat.decode(Arrays.copyOf(bytes, bytes.length - 16));
        return new Windowed<>(key, window.getLong(), window.getLong());
      }

      @Override
      public String name() {
        return "windowed(" + keyFormat.name() + ")";
      }
    };
  }
}
