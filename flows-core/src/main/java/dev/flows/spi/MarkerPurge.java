package dev.flows.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Which deleted markers of a versioned table one {@link TableSink#purgeMarkers} call may remove: a
 * marker written at least {@code olderThan} ago (by the sink's clock) whose source is behind the
 * flow for good, that is of an earlier topic generation than {@code generation}, or of this
 * generation at an offset below its partition's committed offset. A replay from the committed
 * offsets then never reads a record older than a purged marker, and the age bounds how long a stale
 * writer (an instance that lost the partition) may go on writing.
 *
 * @param olderThan the marker retention of the table
 * @param generation the generation of the table's topic now
 * @param committed per partition of the table's topic, the offset the flow's consumer group will
 *     read next (committed); a partition missing here keeps its markers of this generation
 * @param limit the most markers one call removes, at least 1
 */
public record MarkerPurge(
    Duration olderThan, int generation, Map<Integer, Long> committed, int limit) {

  /** Validates; copies {@code committed}. */
  public MarkerPurge {
    Objects.requireNonNull(olderThan, "olderThan");
    committed = Map.copyOf(committed);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
  }

  /** Whether a marker of {@code partition}, {@code generation} and {@code offset} is behind. */
  public boolean behind(Integer partition, Integer generation, Long offset) {
    int markerGeneration = generation == null ? 0 : generation;
    if (markerGeneration != this.generation) {
      return markerGeneration < this.generation;
    }
    Long next = partition == null ? null : committed.get(partition);
    return next != null && offset != null && offset < next;
  }
}
