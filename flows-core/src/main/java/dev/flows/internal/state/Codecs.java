package dev.flows.internal.state;

import dev.flows.FlowsException;
import dev.flows.Headers;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.SourcePartition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.ToIntFunction;

/**
 * Binary encoding of stored results; versioned so the layout can evolve. Version 3 tags each output
 * with its source topic's generation (entries of another generation are dropped when read, like
 * {@link Progress}); version 2 wrote header keys length-prefixed; version 1 as modified UTF-8.
 */
public final class Codecs {
  /**
   * The layout of results without held outputs, which Flows before final results reads; also the
   * layout of outputs a session holds.
   */
  static final int RESULTS_VERSION = 3;

  /** The layout with a held flag per output, written only when an output is held. */
  private static final int HELD_RESULTS_VERSION = 4;

  /** Layout 4 followed by the row's timer: written only when the row has one. */
  private static final int TIMER_RESULTS_VERSION = 5;

  /** Layout 4 followed by a window's passes: written only for a window some partition passed. */
  private static final int PASSES_RESULTS_VERSION = 6;

  private Codecs() {}

  /** Encodes outputs, each tagged with its source topic's generation. */
  public static byte[] encodeResults(List<StoredOutput> outputs, ToIntFunction<String> generation) {
    return encodeResults(outputs, null, generation);
  }

  /** Encodes outputs, each tagged with its source topic's generation, and the row's timer. */
  public static byte[] encodeResults(
      List<StoredOutput> outputs, KeyTimer timer, ToIntFunction<String> generation) {
    return encodeResults(outputs, timer, null, generation);
  }

  /**
   * Encodes outputs, each tagged with its source topic's generation, and the row's timer or its
   * window's passes ({@code null} for none; a row has one or the other).
   */
  public static byte[] encodeResults(
      List<StoredOutput> outputs,
      KeyTimer timer,
      WindowPasses passes,
      ToIntFunction<String> generation) {
    int size = 5 + (timer == null ? 0 : 16 + (timer.key() == null ? 0 : timer.key().length));
    boolean anyHeld = timer != null || passes != null;
    for (StoredOutput o : outputs) {
      size += encodedSize(o);
      anyHeld |= o.held();
    }
    ByteWriter out = new ByteWriter(size);
    out.writeByte(
        timer != null
            ? TIMER_RESULTS_VERSION
            : passes != null
                ? PASSES_RESULTS_VERSION
                : anyHeld ? HELD_RESULTS_VERSION : RESULTS_VERSION);
    out.writeInt(outputs.size());
    String topic = null; // the outputs of a row mostly share their source topic: looked up once
    int topicGeneration = 0;
    for (StoredOutput o : outputs) {
      if (!o.source().topic().equals(topic)) {
        topic = o.source().topic();
        topicGeneration = generation.applyAsInt(topic);
      }
      out.writeUtf(topic);
      out.writeVarLong(topicGeneration);
      out.writeVarLong(o.source().partition());
      out.writeVarLong(o.offset());
      if (anyHeld) {
        out.writeByte(o.held() ? 1 : 0);
      }
      writeRecord(out, o.record());
    }
    if (timer != null) {
      out.writeLong(timer.at());
      out.writeBytes(timer.key());
    }
    if (passes != null) {
      out.writeByte(passes.closed() ? 1 : 0);
      out.writeVarLong(passes.passed().size());
      for (SourcePartition passed : passes.passed()) {
        out.writeUtf(passed.topic());
        out.writeVarLong(generation.applyAsInt(passed.topic()));
        out.writeVarLong(passed.partition());
      }
    }
    return out.toByteArray();
  }

  /**
   * The window passes {@link #encodeResults} stored, {@link WindowPasses#NONE} for none. Passes of
   * another generation of their topic than the current are dropped, and with them the close.
   */
  public static WindowPasses decodePasses(byte[] encoded, ToIntFunction<String> generation) {
    if (encoded == null || encoded.length == 0 || encoded[0] != PASSES_RESULTS_VERSION) {
      return WindowPasses.NONE;
    }
    try {
      ByteReader in = new ByteReader(encoded);
      in.readByte();
      skipOutputs(in, PASSES_RESULTS_VERSION);
      boolean closed = in.readByte() == 1;
      int count = in.readCount();
      Set<SourcePartition> passed = new HashSet<>();
      for (int i = 0; i < count; i++) {
        String topic = in.readUtf();
        boolean current = in.readVarLong() == generation.applyAsInt(topic);
        SourcePartition partition = new SourcePartition(topic, (int) in.readVarLong());
        if (current) {
          passed.add(partition);
        } else {
          closed = false;
        }
      }
      return new WindowPasses(passed, closed);
    } catch (RuntimeException e) {
      throw new FlowsException("cannot decode the stored window passes: " + e.getMessage(), e);
    }
  }

  /** Moves past the outputs of results in layout {@code version} (4 or later). */
  private static void skipOutputs(ByteReader in, int version) {
    int count = in.readInt();
    for (int i = 0; i < count; i++) {
      in.readUtf();
      in.readVarLong();
      in.readVarLong();
      in.readVarLong();
      in.readByte();
      skipRecord(in, version);
    }
  }

  /** The timer {@link #encodeResults} stored, or {@code null}. */
  public static KeyTimer decodeTimer(byte[] encoded) {
    if (encoded == null || encoded.length == 0 || encoded[0] != TIMER_RESULTS_VERSION) {
      return null;
    }
    try {
      ByteReader in = new ByteReader(encoded);
      in.readByte();
      skipOutputs(in, TIMER_RESULTS_VERSION);
      return new KeyTimer(in.readLong(), in.readBytes());
    } catch (RuntimeException e) {
      throw new FlowsException("cannot decode the stored timer: " + e.getMessage(), e);
    }
  }

  /**
   * About the bytes {@link #encodeResults} writes for {@code o} (at least, for ASCII topic names
   * and offsets below 2^28 without headers), so its writer rarely grows.
   */
  private static int encodedSize(StoredOutput o) {
    OutgoingRecord r = o.record();
    return 32
        + o.source().topic().length()
        + r.topic().length()
        + (r.key() == null ? 0 : r.key().length)
        + (r.value() == null ? 0 : r.value().length)
        + 64 * r.headers().size();
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
    try {
      ByteReader in = new ByteReader(encoded);
      int version = checkVersion(in.readByte(), 1, PASSES_RESULTS_VERSION, "results");
      int count = in.readInt();
      List<StoredOutput> outputs = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String topic = in.readUtf();
        long stored = version < 3 ? 0 : in.readVarLong();
        SourcePartition source =
            new SourcePartition(topic, version < 3 ? in.readInt() : (int) in.readVarLong());
        long offset = version < 3 ? in.readLong() : in.readVarLong();
        boolean held = version >= HELD_RESULTS_VERSION && in.readByte() == 1;
        if (stored == generation.applyAsInt(topic) && wanted.test(source, offset)) {
          outputs.add(new StoredOutput(source, offset, readRecord(in, version), held));
        } else {
          skipRecord(in, version);
        }
      }
      return outputs;
    } catch (RuntimeException e) {
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

  /** Writes {@code r} as the current layout stores an output. */
  static void writeRecord(ByteWriter out, OutgoingRecord r) {
    out.writeUtf(r.topic());
    out.writeBytes(r.key());
    out.writeBytes(r.value());
    out.writeLong(r.timestamp() == null ? -1 : r.timestamp());
    out.writeHeaders(r.headers());
  }

  /** Reads an output {@link #writeRecord} wrote, in results layout {@code version}. */
  static OutgoingRecord readRecord(ByteReader in, int version) {
    String topic = in.readUtf();
    byte[] key = in.readBytes();
    byte[] value = in.readBytes();
    long timestamp = in.readLong();
    Headers headers = in.readHeaders(version == 1);
    return new OutgoingRecord(topic, key, value, headers, timestamp < 0 ? null : timestamp);
  }

  /** Moves past what {@link #readRecord} would read, without copying it. */
  private static void skipRecord(ByteReader in, int version) {
    in.readUtf();
    in.skipBytes();
    in.skipBytes();
    in.skip(Long.BYTES);
    in.skipHeaders(version == 1);
  }
}
