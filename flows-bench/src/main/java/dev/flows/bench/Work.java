package dev.flows.bench;

import java.nio.ByteBuffer;
import java.util.Locale;

/** The user code every contender runs, so they differ only in the machinery around it. */
final class Work {
  private Work() {}

  /** The stateless map: upper-cases the 100-byte value. */
  static String map(String value) {
    return value.toUpperCase(Locale.ROOT);
  }

  /** The I/O-bound step: sleeps {@code millis} like a remote call would, then maps. */
  static String slowMap(String value, long millis) {
    io(millis);
    return map(value);
  }

  /** An I/O call: sleeps {@code millis}, as waiting for a remote answer would. */
  static void io(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** A count as 8 big-endian bytes: the stateful scenario's state format. */
  static byte[] encodeCount(long count) {
    return ByteBuffer.allocate(Long.BYTES).putLong(count).array();
  }

  static long decodeCount(byte[] bytes) {
    return ByteBuffer.wrap(bytes).getLong();
  }
}
