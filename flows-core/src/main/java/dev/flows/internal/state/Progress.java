package dev.flows.internal.state;

import dev.flows.FlowsException;
import dev.flows.spi.SourcePartition;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Per source partition, the last offset applied to a row: how replays are recognised. Mutable,
 * owned by one row's processing. Encoded as a count and (topic, partition, offset) triples.
 */
public final class Progress {
  private static final int FORMAT_VERSION = 1;

  private final Map<SourcePartition, Long> lastApplied;

  private Progress(Map<SourcePartition, Long> lastApplied) {
    this.lastApplied = lastApplied;
  }

  public static Progress empty() {
    return new Progress(new HashMap<>());
  }

  /** Whether {@code offset} of {@code partition} was applied already. */
  public boolean covers(SourcePartition partition, long offset) {
    Long last = lastApplied.get(partition);
    return last != null && offset <= last;
  }

  public void advance(SourcePartition partition, long offset) {
    lastApplied.merge(partition, offset, Math::max);
  }

  public Map<SourcePartition, Long> asMap() {
    return Map.copyOf(lastApplied);
  }

  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + lastApplied.size() * 24);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT_VERSION);
      out.writeInt(lastApplied.size());
      for (Map.Entry<SourcePartition, Long> e : lastApplied.entrySet()) {
        out.writeUTF(e.getKey().topic());
        out.writeInt(e.getKey().partition());
        out.writeLong(e.getValue());
      }
    } catch (IOException e) {
      throw new FlowsException("cannot encode progress", e);
    }
    return bytes.toByteArray();
  }

  public static Progress decode(byte[] encoded) {
    if (encoded == null || encoded.length == 0) {
      return empty();
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      Codecs.checkVersion(in.readByte(), FORMAT_VERSION, FORMAT_VERSION, "progress");
      int count = in.readInt();
      Map<SourcePartition, Long> map = new HashMap<>(count * 2);
      for (int i = 0; i < count; i++) {
        map.put(new SourcePartition(in.readUTF(), in.readInt()), in.readLong());
      }
      return new Progress(map);
    } catch (IOException e) {
      throw new FlowsException("cannot decode stored progress", e);
    }
  }
}
