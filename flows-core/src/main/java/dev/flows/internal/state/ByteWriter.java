package dev.flows.internal.state;

import dev.flows.Headers;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes the binary layouts of stored rows and envelopes into a growing array: the same bytes as
 * {@link java.io.DataOutputStream} for the fields it shares with it ({@code writeInt}, {@code
 * writeLong}, {@code writeUTF}), without its per-byte synchronised calls. Not thread-safe.
 */
public final class ByteWriter {
  private byte[] buffer;
  private int size;

  /** A writer expecting about {@code capacity} bytes. */
  public ByteWriter(int capacity) {
    this.buffer = new byte[Math.max(16, capacity)];
  }

  /** One byte. */
  public void writeByte(int value) {
    ensure(1);
    buffer[size++] = (byte) value;
  }

  /** Four bytes, big-endian. */
  public void writeInt(int value) {
    ensure(4);
    for (int shift = 24; shift >= 0; shift -= 8) {
      buffer[size++] = (byte) (value >>> shift);
    }
  }

  /** Eight bytes, big-endian. */
  public void writeLong(long value) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buffer[size++] = (byte) (value >>> shift);
    }
  }

  /** A non-negative number in 1 to 10 bytes, 7 bits a byte, least significant first. */
  public void writeVarLong(long value) {
    if (value < 0) {
      throw new IllegalArgumentException(
          "a negative number where a count or offset belongs: " + value);
    }
    ensure(10);
    long rest = value;
    while (rest >= 0x80) {
      buffer[size++] = (byte) ((rest & 0x7F) | 0x80);
      rest >>>= 7;
    }
    buffer[size++] = (byte) rest;
  }

  /**
   * A string as {@link java.io.DataOutput#writeUTF} writes it: length, then modified UTF-8. Names
   * (topics, keys) are mostly ASCII: those are copied in one pass, the others measured first.
   */
  public void writeUtf(String text) {
    if (!writeAscii(text)) {
      writeModifiedUtf8(text);
    }
  }

  /**
   * Writes {@code text} as {@link #writeUtf} would if it is ASCII without NUL and fits, in one
   * pass; otherwise writes nothing and returns false.
   */
  private boolean writeAscii(String text) {
    int chars = text.length();
    if (chars > 0xFFFF) {
      return false;
    }
    ensure(2 + chars);
    int at = size + 2;
    for (int i = 0; i < chars; i++) {
      char c = text.charAt(i);
      if (c == 0 || c > 0x7F) {
        return false;
      }
      buffer[at++] = (byte) c;
    }
    buffer[size] = (byte) (chars >>> 8);
    buffer[size + 1] = (byte) chars;
    size = at;
    return true;
  }

  private void writeModifiedUtf8(String text) {
    int length = modifiedUtf8Length(text);
    if (length > 0xFFFF) {
      throw new IllegalArgumentException(
          "a name longer than 65535 bytes: " + text.substring(0, 40));
    }
    ensure(2 + length);
    buffer[size++] = (byte) (length >>> 8);
    buffer[size++] = (byte) length;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x0001 && c <= 0x007F) {
        buffer[size++] = (byte) c;
      } else if (c <= 0x07FF) {
        buffer[size++] = (byte) (0xC0 | ((c >> 6) & 0x1F));
        buffer[size++] = (byte) (0x80 | (c & 0x3F));
      } else {
        buffer[size++] = (byte) (0xE0 | ((c >> 12) & 0x0F));
        buffer[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        buffer[size++] = (byte) (0x80 | (c & 0x3F));
      }
    }
  }

  /** Bytes as their length (-1 for {@code null}) and the bytes. */
  public void writeBytes(byte[] bytes) {
    if (bytes == null) {
      writeInt(-1);
      return;
    }
    writeInt(bytes.length);
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buffer, size, bytes.length);
    size += bytes.length;
  }

  /**
   * Headers: their count, then each key (UTF-8, length-prefixed: keys may exceed 64 KiB) and value.
   */
  public void writeHeaders(Headers headers) {
    writeInt(headers.size());
    for (Headers.Header h : headers) {
      writeBytes(h.key().getBytes(StandardCharsets.UTF_8));
      writeBytes(h.value());
    }
  }

  /** What was written. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buffer, size);
  }

  private static int modifiedUtf8Length(String text) {
    int length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      length += c >= 0x0001 && c <= 0x007F ? 1 : c <= 0x07FF ? 2 : 3;
    }
    return length;
  }

  private void ensure(int more) {
    if (size + more > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
    }
  }
}
