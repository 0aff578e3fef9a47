package dev.flows.internal.plan;

import dev.flows.FormatException;
import dev.flows.Headers;
import dev.flows.Message;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A source record carried through a join's intermediate topic with its coordinates, so the stateful
 * step dedupes by the source topic, partition and offset: a record the merge step wrote twice is
 * still applied once. Binary, versioned.
 */
public final class Envelope {
  private static final int VERSION = 1;

  private Envelope() {}

  /** Encodes a raw source record with its coordinates. */
  public static byte[] encode(Message<byte[], byte[]> source) {
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream(64 + length(source.key()) + length(source.value()));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeUTF(source.topic());
      out.writeInt(source.partition());
      out.writeLong(source.offset());
      out.writeLong(source.timestamp());
      writeBytes(out, source.key());
      writeBytes(out, source.value());
      out.writeInt(source.headers().size());
      for (Headers.Header h : source.headers()) {
        out.writeUTF(h.key());
        writeBytes(out, h.value());
      }
    } catch (IOException e) {
      throw new FormatException("cannot encode join envelope", e);
    }
    return bytes.toByteArray();
  }

  /** Decodes an envelope back into the raw source record, coordinates included. */
  public static Message<byte[], byte[]> decode(byte[] envelope) {
    if (envelope == null) {
      throw new FormatException("a join envelope must not be empty", null);
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(envelope))) {
      int version = in.readByte();
      if (version != VERSION) {
        throw new FormatException("unknown join envelope version " + version, null);
      }
      String topic = in.readUTF();
      int partition = in.readInt();
      long offset = in.readLong();
      long timestamp = in.readLong();
      byte[] key = readBytes(in);
      byte[] value = readBytes(in);
      int count = in.readInt();
      List<Headers.Header> headers = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        headers.add(new Headers.Header(in.readUTF(), readBytes(in)));
      }
      return new Message<>(topic, partition, offset, timestamp, key, value, Headers.of(headers));
    } catch (IOException | RuntimeException e) {
      throw new FormatException("not a join envelope: " + e.getMessage(), e);
    }
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }

  private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
    out.writeInt(bytes == null ? -1 : bytes.length);
    if (bytes != null) {
      out.write(bytes);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return bytes;
  }
}
