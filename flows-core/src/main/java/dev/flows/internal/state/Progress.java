package dev.flows.internal.state;

import dev.flows.FlowsException;
import dev.flows.spi.SourcePartition;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

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

  private final PartitionOffsets consumed;
  private Map<SourcePartition, DedupeWindow> origins; // Map.of() until a join needs one

  private Progress(PartitionOffsets consumed, Map<SourcePartition, DedupeWindow> origins) {
    this.consumed = consumed;
    this.origins = origins;
  }

  /** Nothing applied. */
  public static Progress empty() {
    return new Progress(new PartitionOffsets(), Map.of());
  }

  /** A copy to change, sharing nothing with this one. */
  public Progress copy() {
    if (origins.isEmpty()) {
      return new Progress(consumed.copy(), Map.of());
    }
    Map<SourcePartition, DedupeWindow> windows = new HashMap<>(origins.size() * 2);
    origins.forEach((p, w) -> windows.put(p, w.copy()));
    return new Progress(consumed.copy(), windows);
  }

  /** Whether {@code offset} of the consumed {@code partition} was handled already: a replay. */
  public boolean covers(SourcePartition partition, long offset) {
    return offset <= consumed.get(partition);
  }

  /** Records that {@code offset} of the consumed {@code partition} was handled. */
  public void advance(SourcePartition partition, long offset) {
    consumed.max(partition, offset);
  }

  /** The dedupe window of origin {@code partition}, created empty with {@code span}. */
  public DedupeWindow origin(SourcePartition partition, int span) {
    if (origins.isEmpty()) {
      origins = new HashMap<>(4);
    }
    return origins.computeIfAbsent(partition, p -> new DedupeWindow(span));
  }

  /** Whether {@code known} holds for every consumed partition (for none: true). */
  public boolean consumedOnly(Predicate<SourcePartition> known) {
    for (int i = 0; i < consumed.size(); i++) {
      if (!known.test(consumed.partition(i))) {
        return false;
      }
    }
    return true;
  }

  /** The last handled offset per consumed partition. */
  public Map<SourcePartition, Long> consumed() {
    return Map.copyOf(consumed.asMap());
  }

  /** Encodes, tagging each topic with its generation. */
  public byte[] encode(ToIntFunction<String> generation) {
    ByteWriter out = new ByteWriter(16 + consumed.size() * 24);
    out.writeByte(VERSION);
    if (consumed.size() == 1) { // most rows: no maps
      out.writeVarLong(1);
      writeTopic(out, consumed.partition(0).topic(), generation, 1);
      out.writeVarLong(consumed.partition(0).partition());
      out.writeVarLong(consumed.offset(0));
    } else {
      writeByTopic(out, consumed.asMap(), generation, ByteWriter::writeVarLong);
    }
    Map<SourcePartition, DedupeWindow> applied = origins;
    if (!origins.isEmpty()) {
      applied = new HashMap<>(origins);
      applied.values().removeIf(w -> w.highest() < 0);
    }
    writeByTopic(out, applied, generation, (o, window) -> window.write(o));
    return out.toByteArray();
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
    try {
      ByteReader in = new ByteReader(encoded);
      int version = Codecs.checkVersion(in.readByte(), 1, VERSION, "progress");
      if (version == 1) {
        progress.readVersion1(in, generation, span, legacyOrigins);
      } else {
        Map<SourcePartition, Long> read = new HashMap<>(2);
        readByTopic(in, generation, read, ByteReader::readVarLong);
        read.forEach(progress.consumed::max);
        Map<SourcePartition, DedupeWindow> windows = new HashMap<>(4);
        readByTopic(in, generation, windows, i -> DedupeWindow.read(i, span));
        if (!windows.isEmpty()) {
          progress.origins = windows;
        }
      }
      return progress;
    } catch (RuntimeException e) {
      throw new FlowsException("cannot decode stored progress: " + e.getMessage(), e);
    }
  }

  /**
   * Whether every record an encoded progress applied is behind the flow, so that no replay from the
   * committed offsets reaches its row again: each consumed partition's entry is of an earlier
   * generation of its topic than {@code generation} gives, or of that generation at an offset below
   * the partition's {@code committed} offset (the next one the group reads; -1 when unknown, which
   * keeps the row). An entry of a later generation than {@code generation} knows keeps the row too.
   * Dedupe windows of a join's origin partitions are not consulted. Layout version 1 entries count
   * as generation 0.
   */
  public static boolean behind(
      byte[] encoded, ToIntFunction<String> generation, ToLongFunction<SourcePartition> committed) {
    if (encoded == null || encoded.length == 0) {
      return true;
    }
    try {
      ByteReader in = new ByteReader(encoded);
      if (Codecs.checkVersion(in.readByte(), 1, VERSION, "progress") == 1) {
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
          SourcePartition partition = new SourcePartition(in.readUtf(), in.readInt());
          if (!behind(partition, 0, in.readLong(), generation, committed)) {
            return false;
          }
        }
        return true;
      }
      int topics = in.readCount();
      for (int t = 0; t < topics; t++) {
        String topic = in.readUtf();
        int stored = (int) in.readVarLong();
        int partitions = in.readCount();
        for (int p = 0; p < partitions; p++) {
          SourcePartition partition = new SourcePartition(topic, (int) in.readVarLong());
          if (!behind(partition, stored, in.readVarLong(), generation, committed)) {
            return false;
          }
        }
      }
      return true;
    } catch (RuntimeException e) {
      throw new FlowsException("cannot decode stored progress: " + e.getMessage(), e);
    }
  }

  private static boolean behind(
      SourcePartition partition,
      int stored,
      long offset,
      ToIntFunction<String> generation,
      ToLongFunction<SourcePartition> committed) {
    int now = generation.applyAsInt(partition.topic());
    if (stored != now) {
      return stored < now;
    }
    long next = committed.applyAsLong(partition);
    return next >= 0 && offset < next;
  }

  private void readVersion1(
      ByteReader in, ToIntFunction<String> generation, int span, boolean legacyOrigins) {
    int count = in.readInt();
    for (int i = 0; i < count; i++) {
      SourcePartition partition = new SourcePartition(in.readUtf(), in.readInt());
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
    void write(ByteWriter out, T value);
  }

  private interface Reader<T> {
    T read(ByteReader in);
  }

  /** Per topic: name, generation, count, then (partition, value) pairs. */
  private static <T> void writeByTopic(
      ByteWriter out,
      Map<SourcePartition, T> entries,
      ToIntFunction<String> generation,
      Writer<T> writer) {
    if (entries.isEmpty()) {
      out.writeVarLong(0);
      return;
    }
    Map<String, Map<Integer, T>> byTopic = new TreeMap<>();
    entries.forEach(
        (p, v) -> byTopic.computeIfAbsent(p.topic(), t -> new TreeMap<>()).put(p.partition(), v));
    out.writeVarLong(byTopic.size());
    for (Map.Entry<String, Map<Integer, T>> topic : byTopic.entrySet()) {
      writeTopic(out, topic.getKey(), generation, topic.getValue().size());
      for (Map.Entry<Integer, T> e : topic.getValue().entrySet()) {
        out.writeVarLong(e.getKey());
        writer.write(out, e.getValue());
      }
    }
  }

  /** A topic's header: name, generation, how many of its partitions follow. */
  private static void writeTopic(
      ByteWriter out, String topic, ToIntFunction<String> generation, int partitions) {
    out.writeUtf(topic);
    out.writeVarLong(generation.applyAsInt(topic));
    out.writeVarLong(partitions);
  }

  private static <T> void readByTopic(
      ByteReader in,
      ToIntFunction<String> generation,
      Map<SourcePartition, T> into,
      Reader<T> reader) {
    int topics = in.readCount();
    for (int t = 0; t < topics; t++) {
      String topic = in.readUtf();
      boolean current = in.readVarLong() == generation.applyAsInt(topic);
      int partitions = in.readCount();
      for (int p = 0; p < partitions; p++) {
        SourcePartition partition = new SourcePartition(topic, (int) in.readVarLong());
        T value = reader.read(in);
        if (current) {
          into.put(partition, value);
        }
      }
    }
  }
}
