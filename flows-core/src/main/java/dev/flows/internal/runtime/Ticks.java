package dev.flows.internal.runtime;

import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.spi.SourcePartition;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ticks of a flow with wall-clock timers: a batch that holds no record of an input partition
 * (an idle partition) fires the timers of that partition the clock reached, at a tick numbered per
 * partition (docs/semantics.md, "Timers"). A tick is applied to a row like a record of a partition
 * of its own (the input partition's number plus {@link #PARTITION_BASE}), so a row's progress
 * recognises its replay and its stored outputs are re-emitted like a record's. The number of the
 * first tick not known published travels with each commit as offset metadata ({@link #metadata}),
 * beside a stream time's.
 */
final class Ticks {
  /** Where the partitions of ticks start: above any input partition's number. */
  static final int PARTITION_BASE = 1 << 30;

  private static final String PREFIX = "flows.ticks=";
  private static final Pattern METADATA = Pattern.compile("flows\\.ticks=(\\d+)");

  private Ticks() {}

  /** The partition of the ticks of {@code input}. */
  static SourcePartition of(SourcePartition input) {
    return new SourcePartition(input.topic(), PARTITION_BASE + input.partition());
  }

  /** Whether {@code partition} is the partition of an input's ticks. */
  static boolean isTicks(SourcePartition partition) {
    return partition.partition() >= PARTITION_BASE;
  }

  /** The input partition whose ticks {@code partition} holds; an input partition is its own. */
  static SourcePartition inputOf(SourcePartition partition) {
    return isTicks(partition)
        ? new SourcePartition(partition.topic(), partition.partition() - PARTITION_BASE)
        : partition;
  }

  /** Tick {@code number} of {@code input}, at wall-clock time {@code at}: a record without data. */
  static Message<byte[], byte[]> record(SourcePartition input, long number, long at) {
    return new Message<>(
        input.topic(), PARTITION_BASE + input.partition(), number, at, null, null, Headers.empty());
  }

  /** The commit metadata saying every tick below {@code next} is published. */
  static String metadata(long next) {
    return PREFIX + next;
  }

  /** {@code first}, with {@code second} after it if both say something ({@code null}: nothing). */
  static String join(String first, String second) {
    if (first == null) {
      return second;
    }
    return second == null ? first : first + ";" + second;
  }

  /**
   * For each partition whose committed metadata says it (as {@link #metadata} wrote it), the
   * partition of its ticks and the first tick not known published.
   */
  static Map<SourcePartition, Long> published(Map<SourcePartition, String> committed) {
    Map<SourcePartition, Long> next = new HashMap<>();
    committed.forEach(
        (partition, metadata) -> {
          long ticks = committed(metadata);
          if (ticks > 0) {
            next.put(of(partition), ticks);
          }
        });
    return next;
  }

  /** The first tick not known published that {@code metadata} says, 0 if it says none. */
  static long committed(String metadata) {
    Matcher m = metadata == null ? null : METADATA.matcher(metadata);
    return m != null && m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}
