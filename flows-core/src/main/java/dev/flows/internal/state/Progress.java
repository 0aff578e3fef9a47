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
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * What a row has applied: per partition it was fed from, the last applied offset (records of one
 * partition are consumed in offset order, so an offset at or below it is a replay), and, for a
 * join, per origin partition a {@link DedupeWindow} of the origin offsets applied (envelopes may
 * arrive out of their source order). Mutable, owned by one row's processing.
 *
 * <p>Stored per topic with the topic's generation (see {@link dev.flows.spi.TopicLedger}): entries
 * of another generation belong to an earlier incarnation of the topic and are dropped when read.
 * Layout version 2; version 1 (a count and (topic, partition, offset) triples) is still read.
 */
public final class Progress {
  private static final int VERSION = 2;

  private final Map<SourcePartition, Long> consumed;
  private final Map<SourcePartition, DedupeWindow> origins;

  private Progress(
      Map<SourcePartition, Long> consumed, Map<SourcePartition, DedupeWindow> origins) {
    this.consumed = consumed;
    this.origins = origins;
  }

  /** Nothing applied. */
  public static Progress empty() {
    return new Progress(new HashMap<>(), new HashMap<>());
  }

  /** Whether {@code offset} of the consumed {@code partition} was handled already: a replay. */
  public boolean covers(SourcePartition partition, long offset) {
    Long last = consumed.get(partition);
    return last != null && offset <= last;
  }

  /** Records that {@code offset} of the consumed {@code partition} was handled. */
  public void advance(SourcePartition partition, long offset) {
    consumed.merge(partition, offset, Math::max);
  }

  /** The dedupe window of origin {@code partition}, created empty with {@code span}. */
  public DedupeWindow origin(SourcePartition partition, int span) {
    return origins.computeIfAbsent(partition, p -> new DedupeWindow(span));
  }

  /** The last handled offset per consumed partition. */
  public Map<SourcePartition, Long> consumed() {
    return Map.copyOf(consumed);
  }

  /** Encodes, tagging each topic with its generation. */
  public byte[] encode(ToIntFunction<String> generation) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + consumed.size() * 12);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      writeByTopic(out, consumed, generation, (o, offset) -> BinaryFields.writeVarLong(o, offset));
      Map<SourcePartition, DedupeWindow> applied = origins;
      if (!origins.isEmpty()) {
        applied = new HashMap<>(origins);
        applied.values().removeIf(w -> w.highest() < 0);
      }
      writeByTopic(out, applied, generation, (o, window) -> window.write(o));
    } catch (IOException e) {
      throw new FlowsException("cannot encode progress", e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes a stored progress, dropping entries of topics stored under another generation than
   * {@code generation} gives. {@code span} is the dedupe window of origin partitions; with {@code
   * legacyOrigins} (a join), entries of layout version 1 are origin offsets, as that version kept.
   */
  public static Progress decode(
      byte[] encoded, ToIntFunction<String> generation, int span, boolean legacyOrigins) {
    Progress progress = empty();
    if (encoded == null || encoded.length == 0) {
      return progress;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      int version = Codecs.checkVersion(in.readByte(), 1, VERSION, "progress");
      if (version == 1) {
        progress.readVersion1(in, generation, span, legacyOrigins);
      } else {
        readByTopic(in, generation, progress.consumed, BinaryFields::readVarLong);
        readByTopic(in, generation, progress.origins, i -> DedupeWindow.read(i, span));
      }
      return progress;
    } catch (IOException | RuntimeException e) {
      throw new FlowsException("cannot decode stored progress: " + e.getMessage(), e);
    }
  }

  private void readVersion1(
      DataInputStream in, ToIntFunction<String> generation, int span, boolean legacyOrigins)
      throws IOException {
    int count = in.readInt();
    for (int i = 0; i < count; i++) {
      SourcePartition partition = new SourcePartition(in.readUTF(), in.readInt());
      long offset = in.readLong();
      if (generation.applyAsInt(partition.topic()) != 0) {
        continue;
      }
      if (legacyOrigins) {
        origin(partition, span).appliedUpTo(offset);
      } else {
        advance(partition, offset);
      }
    }
  }

  private interface Writer<T> {
    void write(DataOutputStream out, T value) throws IOException;
  }

  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  /** Per topic: name, generation, count, then (partition, value) pairs. */
  private static <T> void writeByTopic(
      DataOutputStream out,
      Map<SourcePartition, T> entries,
      ToIntFunction<String> generation,
      Writer<T> writer)
      throws IOException {
    if (entries.size() <= 1) { // most rows: no TreeMaps
      BinaryFields.writeVarLong(out, entries.size());
      for (Map.Entry<SourcePartition, T> e : entries.entrySet()) {
        out.writeUTF(e.getKey().topic());
        BinaryFields.writeVarLong(out, generation.applyAsInt(e.getKey().topic()));
        BinaryFields.writeVarLong(out, 1);
        BinaryFields.writeVarLong(out, e.getKey().partition());
        writer.write(out, e.getValue());
      }
      return;
    }
    Map<String, Map<Integer, T>> byTopic = new TreeMap<>();
    entries.forEach(
        (p, v) -> byTopic.computeIfAbsent(p.topic(), t -> new TreeMap<>()).put(p.partition(), v));
    BinaryFields.writeVarLong(out, byTopic.size());
    for (Map.Entry<String, Map<Integer, T>> topic : byTopic.entrySet()) {
      out.writeUTF(topic.getKey());
      BinaryFields.writeVarLong(out, generation.applyAsInt(topic.getKey()));
      BinaryFields.writeVarLong(out, topic.getValue().size());
      for (Map.Entry<Integer, T> e : topic.getValue().entrySet()) {
        BinaryFields.writeVarLong(out, e.getKey());
        writer.write(out, e.getValue());
      }
    }
  }

  private static <T> void readByTopic(
      DataInputStream in,
      ToIntFunction<String> generation,
      Map<SourcePartition, T> into,
      Reader<T> reader)
      throws IOException {
    int topics = BinaryFields.readCount(in);
    for (int t = 0; t < topics; t++) {
      String topic = in.readUTF();
      boolean current = BinaryFields.readVarLong(in) == generation.applyAsInt(topic);
      int partitions = BinaryFields.readCount(in);
      for (int p = 0; p < partitions; p++) {
        SourcePartition partition = new SourcePartition(topic, (int) BinaryFields.readVarLong(in));
        T value = reader.read(in);
        if (current) {
          into.put(partition, value);
        }
      }
    }
  }
}
