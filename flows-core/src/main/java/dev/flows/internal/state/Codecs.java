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
  /** Version 2 writes header keys length-prefixed (version 1: modified UTF-8, up to 64 KiB). */
  private static final int RESULTS_VERSION = 2;

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
      int version = checkVersion(in.readByte(), 1, RESULTS_VERSION, "results");
      int count = in.readInt();
      List<StoredOutput> outputs = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        SourcePartition source = new SourcePartition(in.readUTF(), in.readInt());
        outputs.add(new StoredOutput(source, in.readLong(), readRecord(in, version)));
      }
      return outputs;
    } catch (IOException e) {
      throw new FlowsException("cannot decode stored results", e);
    }
  }

  /**
   * {@code found}, if this Flows reads it: a layout version from {@code oldest} to {@code newest}.
   */
  static int checkVersion(byte found, int oldest, int newest, String what) {
    if (found < oldest || found > newest) {
      throw new FlowsException(
          "stored "
              + what
              + " has layout version "
              + found
              + ", this Flows reads "
              + (oldest == newest ? oldest : oldest + " to " + newest));
    }
    return found;
  }

  private static void writeRecord(DataOutputStream out, OutgoingRecord r) throws IOException {
    out.writeUTF(r.topic());
    BinaryFields.writeBytes(out, r.key());
    BinaryFields.writeBytes(out, r.value());
    out.writeLong(r.timestamp() == null ? -1 : r.timestamp());
    BinaryFields.writeHeaders(out, r.headers());
  }

  private static OutgoingRecord readRecord(DataInputStream in, int version) throws IOException {
    String topic = in.readUTF();
    byte[] key = BinaryFields.readBytes(in);
    byte[] value = BinaryFields.readBytes(in);
    long timestamp = in.readLong();
    Headers headers = BinaryFields.readHeaders(in, version == 1);
    return new OutgoingRecord(topic, key, value, headers, timestamp < 0 ? null : timestamp);
  }
}
