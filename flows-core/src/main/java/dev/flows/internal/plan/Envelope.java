package dev.flows.internal.plan;

import dev.flows.FormatException;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.internal.state.ByteReader;
import dev.flows.internal.state.ByteWriter;

/**
 * A source record carried through a join's intermediate topic with its coordinates, so the stateful
 * step dedupes by the source topic, partition and offset: a record the merge step wrote twice is
 * still applied once. Binary, versioned.
 */
public final class Envelope {
  /** Version 2 writes header keys length-prefixed (version 1: modified UTF-8, up to 64 KiB). */
  private static final int VERSION = 2;

  private Envelope() {}

  /** Encodes a raw source record with its coordinates. */
  public static byte[] encode(Message<byte[], byte[]> source) {
    ByteWriter out = new ByteWriter(64 + length(source.key()) + length(source.value()));
    out.writeByte(VERSION);
    out.writeUtf(source.topic());
    out.writeInt(source.partition());
    out.writeLong(source.offset());
    out.writeLong(source.timestamp());
    out.writeBytes(source.key());
    out.writeBytes(source.value());
    out.writeHeaders(source.headers());
    return out.toByteArray();
  }

  /** Decodes an envelope back into the raw source record, coordinates included. */
  public static Message<byte[], byte[]> decode(byte[] envelope) {
    if (envelope == null) {
      throw new FormatException("a join envelope must not be empty", null);
    }
    try {
      ByteReader in = new ByteReader(envelope);
      int version = in.readByte();
      if (version < 1 || version > VERSION) {
        throw new FormatException("unknown join envelope version " + version, null);
      }
      String topic = in.readUtf();
      int partition = in.readInt();
      long offset = in.readLong();
      long timestamp = in.readLong();
      byte[] key = in.readBytes();
      byte[] value = in.readBytes();
      Headers headers = in.readHeaders(version == 1);
      return new Message<>(topic, partition, offset, timestamp, key, value, headers);
    } catch (RuntimeException e) {
      throw new FormatException("not a join envelope: " + e.getMessage(), e);
    }
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }
}
