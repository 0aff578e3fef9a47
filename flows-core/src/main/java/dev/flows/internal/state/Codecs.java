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
import java.util.function.BiPredicate;
import java.util.function.ToIntFunction;

/**
 * Binary encoding of stored results; versioned so the layout can evolve. Version 3 tags each output
 * with its source topic's generation (entries of another generation are dropped when read, like
 * {@link Progress}); version 2 wrote header keys length-prefixed; version 1 as modified UTF-8.
 */
public final class Codecs {
  private static final int RESULTS_VERSION = 3;

  private Codecs() {}

  /** Encodes outputs, each tagged with its source topic's generation. */
  public static byte[] encodeResults(List<StoredOutput> outputs, ToIntFunction<String> generation) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * Math.max(1, outputs.size()));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(RESULTS_VERSION);
      out.writeInt(outputs.size());
      for (StoredOutput o : outputs) {
        out.writeUTF(o.source().topic());
        BinaryFields.writeVarLong(out, generation.applyAsInt(o.source().topic()));
        BinaryFields.writeVarLong(out, o.source().partition());
        BinaryFields.writeVarLong(out, o.offset());
        writeRecord(out, o.record());
      }
    } catch (IOException e) {
      throw new FlowsException("cannot encode results", e);
    }
    return bytes.toByteArray();
  }

  /** Decodes outputs, dropping those of another generation of their topic than the current. */
  public static List<StoredOutput> decodeResults(byte[] encoded, ToIntFunction<String> generation) {
    return decodeResults(encoded, generation, (source, offset) -> true);
  }

  /**
   * Decodes the outputs {@code wanted} keeps, skipping the bytes of the others, and dropping those
   * of another generation of their topic than the current.
   */
  public static List<StoredOutput> decodeResults(
      byte[] encoded, ToIntFunction<String> generation, BiPredicate<SourcePartition, Long> wanted) {
    if (encoded == null || encoded.length == 0) {
      return List.of();
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      int version = checkVersion(in.readByte(), 1, RESULTS_VERSION, "results");
      int count = in.readInt();
      List<StoredOutput> outputs = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String topic = in.readUTF();
        long stored = version < 3 ? 0 : BinaryFields.readVarLong(in);
        SourcePartition source =
            new SourcePartition(
                topic, version < 3 ? in.readInt() : (int) BinaryFields.readVarLong(in));
        long offset = version < 3 ? in.readLong() : BinaryFields.readVarLong(in);
        if (stored == generation.applyAsInt(topic) && wanted.test(source, offset)) {
          outputs.add(new StoredOutput(source, offset, readRecord(in, version)));
        } else {
          skipRecord(in, version);
        }
      }
      return outputs;
    } catch (IOException | RuntimeException e) {
      throw new FlowsException("cannot decode stored results: " + e.getMessage(), e);
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

  /** Moves past what {@link #readRecord} would read, without copying it. */
  private static void skipRecord(DataInputStream in, int version) throws IOException {
    skip(in, in.readUnsignedShort()); // topic, as writeUTF wrote it
    skipBytes(in);
    skipBytes(in);
    skip(in, Long.BYTES);
    int headers = in.readInt();
    for (int i = 0; i < headers; i++) {
      if (version == 1) {
        skip(in, in.readUnsignedShort());
      } else {
        skipBytes(in);
      }
      skipBytes(in);
    }
  }

  private static void skipBytes(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length > 0) {
      skip(in, length);
    }
  }

  private static void skip(DataInputStream in, int length) throws IOException {
    if (in.skipBytes(length) != length) {
      throw new IOException("stored results end early");
    }
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
