package dev.flows.internal.state;

import dev.flows.Headers;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields that stored results and join envelopes share: nullable byte arrays and record headers,
 * length-prefixed. Reading checks every length against the bytes left, so a corrupt or hostile
 * input fails with an {@link IOException} instead of allocating what it claims.
 */
public final class BinaryFields {
  private BinaryFields() {}

  /** Writes {@code bytes} as its length (-1 for {@code null}) and the bytes. */
  public static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
    if (bytes == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(bytes.length);
      out.write(bytes);
    }
  }

  /** Reads what {@link #writeBytes} wrote. */
  public static byte[] readBytes(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[checkedLength(in, length)];
    in.readFully(bytes);
    return bytes;
  }

  /**
   * Writes headers; keys as length-prefixed UTF-8, since Kafka allows keys longer than the 64 KiB
   * of {@link DataOutputStream#writeUTF}.
   */
  public static void writeHeaders(DataOutputStream out, Headers headers) throws IOException {
    out.writeInt(headers.size());
    for (Headers.Header h : headers) {
      writeBytes(out, h.key().getBytes(StandardCharsets.UTF_8));
      writeBytes(out, h.value());
    }
  }

  /**
   * Reads what {@link #writeHeaders} wrote; with {@code utfKeys}, keys as {@link
   * DataOutputStream#writeUTF} wrote them (layout version 1).
   */
  public static Headers readHeaders(DataInputStream in, boolean utfKeys) throws IOException {
    int count = checkedLength(in, in.readInt());
    List<Headers.Header> headers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String key = utfKeys ? in.readUTF() : readKey(in);
      headers.add(new Headers.Header(key, readBytes(in)));
    }
    return Headers.of(headers);
  }

  private static String readKey(DataInputStream in) throws IOException {
    byte[] key = readBytes(in);
    if (key == null) {
      throw new IOException("a header key is missing");
    }
    return new String(key, StandardCharsets.UTF_8);
  }

  /** Writes a non-negative number in 1 to 10 bytes (7 bits a byte, least significant first). */
  public static void writeVarLong(DataOutputStream out, long value) throws IOException {
    if (value < 0) {
      throw new IOException("a negative number where a count or offset belongs: " + value);
    }
    long rest = value;
    while (rest >= 0x80) {
      out.writeByte((int) (rest & 0x7F) | 0x80);
      rest >>>= 7;
    }
    out.writeByte((int) rest);
  }

  /** Reads what {@link #writeVarLong} wrote. */
  public static long readVarLong(DataInputStream in) throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("a number longer than 10 bytes");
  }

  /** Reads a {@link #writeVarLong} count of at most what is left, as an int. */
  public static int readCount(DataInputStream in) throws IOException {
    long count = readVarLong(in);
    if (count > in.available()) {
      throw new IOException(
          "a count of " + count + " where only " + in.available() + " bytes are left");
    }
    return (int) count;
  }

  private static int checkedLength(DataInputStream in, int length) throws IOException {
    if (length < 0 || length > in.available()) {
      throw new IOException(
          "a length of " + length + " where only " + in.available() + " bytes are left");
    }
    return length;
  }
}
