package dev.flows.internal.runtime;

import dev.flows.spi.SourcePartition;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stream time of each input partition of a windowed flow (the largest event time read on it) at
 * batch boundaries, by offset: a batch starts from the stream time at its first offset, however
 * often it is retried, so whether a record is late is the same on every replay. The time at a
 * committed offset travels with the commit as its metadata ({@link #metadata}) and comes back at
 * assignment ({@link #restore}). The stream time at an offset is a fact of the partition's records
 * before it, so checkpoints from any earlier attempt stay true. Synchronized: batches fill on the
 * batch thread, assignments arrive on the polling thread.
 */
final class StreamTimes {
  /** No record with an event time read yet. */
  static final long NONE = Long.MIN_VALUE;

  /** Checkpoints kept per partition: more than the batches that can be rewound at once. */
  static final int KEPT = 16;

  private static final String PREFIX = "flows.stream-time=";
  private static final Pattern METADATA = Pattern.compile("flows\\.stream-time=(-?\\d+)@(\\d+)");

  private final Map<SourcePartition, TreeMap<Long, Long>> checkpoints = new HashMap<>();

  /** The stream time before the record at {@code offset}, {@link #NONE} if unknown. */
  synchronized long at(SourcePartition partition, long offset) {
    TreeMap<Long, Long> times = checkpoints.get(partition);
    Map.Entry<Long, Long> before = times == null ? null : times.floorEntry(offset);
    return before == null ? NONE : before.getValue();
  }

  /** Records that the stream time before {@code nextOffset} is {@code time}. */
  synchronized void checkpoint(SourcePartition partition, long nextOffset, long time) {
    if (time == NONE) {
      return;
    }
    TreeMap<Long, Long> times = checkpoints.computeIfAbsent(partition, p -> new TreeMap<>());
    times.put(nextOffset, time);
    while (times.size() > KEPT) {
      times.pollFirstEntry();
    }
  }

  /** The commit metadata saying the stream time at {@code nextOffset}, or {@code null}. */
  synchronized String metadata(SourcePartition partition, long nextOffset) {
    long time = at(partition, nextOffset);
    return time == NONE ? null : PREFIX + time + "@" + nextOffset;
  }

  /**
   * Restores the stream times committed with the offsets, as {@link #metadata} wrote them (beside
   * other metadata, such as {@link Ticks#metadata}); other metadata is ignored.
   */
  synchronized void restore(Map<SourcePartition, String> committed) {
    committed.forEach(
        (partition, metadata) -> {
          Matcher m = METADATA.matcher(metadata);
          if (m.find()) {
            checkpoint(partition, Long.parseLong(m.group(2)), Long.parseLong(m.group(1)));
          }
        });
  }

  /**
   * The stream time {@code metadata} committed (as {@link #metadata} wrote it), else {@link #NONE}.
   */
  static long committedTime(String metadata) {
    Matcher m = METADATA.matcher(metadata);
    return m.find() ? Long.parseLong(m.group(1)) : NONE;
  }
}
