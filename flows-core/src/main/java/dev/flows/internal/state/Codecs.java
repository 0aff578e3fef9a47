package dev.flows.internal.state;

import dev.flows.FlowsException;
import dev.flows.Headers;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.SourcePartition;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Binary encoding of stored results; versioned so the layout can evolve. */
public final class Codecs {
  private static final int RESULTS_VERSION = 1;

  private Codecs() {}

  public static byte[] encodeResults(List<StoredOutput> outputs) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * Math.max(1, outputs.size()));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(RESULTS_VERSION);
      out.writeInt(outputs.size());
      for (StoredOutput o : outputs) {
        out.writeUTF(o.source().topic());
        out.writeInt(o.source().partition());
        out.writeLong(o.offset());
        writeRecord(out, o.record());
      }
    } catch (IOException e) {
      throw new FlowsException("cannot encode results", e);
    }
    return bytes.toByteArray();
  }

  public static List<StoredOutput> decodeResults(byte[] encoded) {
    if (encoded == null || encoded.length == 0) {
      return List.of();
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      checkVersion(in.readByte(), RESULTS_VERSION, "results");
      int count = in.readInt();
      List<StoredOutput> outputs = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        SourcePartition source = new SourcePartition(in.readUTF(), in.readInt());
        outputs.add(new StoredOutput(source, in.readLong(), readRecord(in)));
      }
      return outputs;
    } catch (IOException e) {
      throw new FlowsException("cannot decode stored results", e);
    }
  }

  static void checkVersion(byte found, int expected, String what) {
    if (found != expected) {
      throw new FlowsException(
          "stored " + what + " has layout version " + found + ", this Flows reads " + expected);
    }
  }

  private static void writeRecord(DataOutputStream out, OutgoingRecord r) throws IOException {
    out.writeUTF(r.topic());
    writeBytes(out, r.key());
    writeBytes(out, r.value());
    out.writeLong(r.timestamp() == null ? -1 : r.timestamp());
    out.writeInt(r.headers().size());
    for (Headers.Header h : r.headers()) {
      out.writeUTF(h.key());
      writeBytes(out, h.value());
    }
  }

  private static OutgoingRecord readRecord(DataInputStream in) throws IOException {
    String topic = in.readUTF();
    byte[] key = readBytes(in);
    byte[] value = readBytes(in);
    long timestamp = in.readLong();
    int headerCount = in.readInt();
    List<Headers.Header> headers = new ArrayList<>(headerCount);
    for (int i = 0; i < headerCount; i++) {
      headers.add(new Headers.Header(in.readUTF(), readBytes(in)));
    }
    return new OutgoingRecord(
        topic, key, value, Headers.of(headers), timestamp < 0 ? null : timestamp);
  }

  private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
    if (bytes == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(bytes.length);
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
