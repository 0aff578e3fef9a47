package dev.flows.internal.state;

import dev.flows.Headers;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads what {@link ByteWriter} (or {@link java.io.DataOutputStream}, for the fields they share)
 * wrote, checking every length against the bytes left, so a corrupt row or envelope fails cleanly
 * with {@link IllegalStateException} instead of allocating what it claims. Not thread-safe.
 */
public final class ByteReader {
  private final byte[] bytes;
  private int position;

  /** A reader of all of {@code bytes}. */
  public ByteReader(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Bytes not read yet. */
  public int remaining() {
    return bytes.length - position;
  }

  /** One signed byte. */
  public byte readByte() {
    need(1);
    return bytes[position++];
  }

  /** One byte, 0 to 255. */
  public int readUnsignedByte() {
    return readByte() & 0xFF;
  }

  /** Four bytes, big-endian. */
  public int readInt() {
    need(4);
    int value = 0;
    for (int i = 0; i < 4; i++) {
      value = (value << 8) | (bytes[position++] & 0xFF);
    }
    return value;
  }

  /** Eight bytes, big-endian. */
  public long readLong() {
    need(8);
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (bytes[position++] & 0xFF);
    }
    return value;
  }

  /** What {@link ByteWriter#writeVarLong} wrote. */
  public long readVarLong() {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readUnsignedByte();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IllegalStateException("a number longer than 10 bytes");
  }

  /** A {@link #readVarLong} count of at most the bytes left, as an int. */
  public int readCount() {
    long count = readVarLong();
    if (count > remaining()) {
      throw new IllegalStateException(
          "a count of " + count + " where only " + remaining() + " bytes are left");
    }
    return (int) count;
  }

  /** What {@link ByteWriter#writeUtf} or {@link java.io.DataOutput#writeUTF} wrote. */
  public String readUtf() {
    need(2);
    int length = ((bytes[position] & 0xFF) << 8) | (bytes[position + 1] & 0xFF);
    need(2 + length);
    int start = position + 2;
    boolean ascii = true;
    for (int i = start; i < start + length && ascii; i++) {
      ascii = bytes[i] > 0;
    }
    if (ascii) {
      position = start + length;
      return new String(bytes, start, length, StandardCharsets.ISO_8859_1);
    }
    try {
      DataInputStream in =
          new DataInputStream(new ByteArrayInputStream(bytes, position, 2 + length));
      String text = in.readUTF();
      position = start + length;
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What {@link ByteWriter#writeBytes} wrote: {@code null} for a length of -1. */
  public byte[] readBytes() {
    int length = readInt();
    if (length < 0) {
      return null;
    }
    need(length);
    byte[] read = Arrays.copyOfRange(bytes, position, position + length);
    position += length;
    return read;
  }

  /** Moves past what {@link ByteWriter#writeBytes} wrote. */
  public void skipBytes() {
    int length = readInt();
    if (length > 0) {
      skip(length);
    }
  }

  /** Moves past {@code length} bytes. */
  public void skip(int length) {
    need(length);
    position += length;
  }

  /**
   * What {@link ByteWriter#writeHeaders} wrote; with {@code utfKeys}, keys as {@link
   * java.io.DataOutput#writeUTF} wrote them (layout version 1).
   */
  public Headers readHeaders(boolean utfKeys) {
    int count = readInt();
    if (count < 0 || count > remaining()) {
      throw new IllegalStateException(
          "a header count of " + count + " where only " + remaining() + " bytes are left");
    }
    List<Headers.Header> headers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String key = utfKeys ? readUtf() : readKey();
      headers.add(new Headers.Header(key, readBytes()));
    }
    return Headers.of(headers);
  }

  /** Moves past what {@link #readHeaders} would read. */
  public void skipHeaders(boolean utfKeys) {
    int count = readInt();
    for (int i = 0; i < count; i++) {
      if (utfKeys) {
        need(2);
        skip(2 + (((bytes[position] & 0xFF) << 8) | (bytes[position + 1] & 0xFF)));
      } else {
        skipBytes();
      }
      skipBytes();
    }
  }

  private String readKey() {
    byte[] key = readBytes();
    if (key == null) {
      throw new IllegalStateException("a header key is missing");
    }
    return new String(key, StandardCharsets.UTF_8);
  }

  private void need(int length) {
    if (length < 0 || length > remaining()) {
      throw new IllegalStateException(
          "a length of " + length + " where only " + remaining() + " bytes are left");
    }
  }
}
