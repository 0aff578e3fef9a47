package dev.flows.internal.runtime;

import dev.flows.spi.Source;
import dev.flows.spi.SourcePartition;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits and rewinds a flow's source, only on the partitions it still owns: offsets of a partition
 * revoked or lost meanwhile belong to its new owner.
 */
final class SourceOffsets {
  private static final Logger LOG = LoggerFactory.getLogger(SourceOffsets.class);

  private final String flow;
  private final Source source;
  private final FlowMetrics metrics;

  SourceOffsets(String flow, Source source, FlowMetrics metrics) {
    this.flow = flow;
    this.source = source;
    this.metrics = metrics;
  }

  /**
   * Commits the offsets to read next, with {@code metadata} for the partitions it names; whether
   * any were committed.
   */
  boolean commit(Map<SourcePartition, Long> nextOffsets, Map<SourcePartition, String> metadata) {
    Map<SourcePartition, Long> offsets = owned(nextOffsets);
    if (offsets.isEmpty()) {
      return false;
    }
    long start = System.nanoTime();
    try {
      if (metadata.isEmpty()) {
        source.commit(offsets);
      } else {
        source.commit(offsets, metadata);
      }
      metrics.commit(System.nanoTime() - start);
      metrics.lag(source.lag().values().stream().mapToLong(Long::longValue).sum());
      return true;
    } catch (RuntimeException e) {
      LOG.warn("flow {}: commit failed, records will be read again: {}", flow, e.toString());
      return false;
    }
  }

  /**
   * The metadata committed with the offsets of {@code partitions}, from the source. Retries with
   * backoff while the broker does not answer: deciding without it would not be the decision a
   * replay must repeat. Throws once {@code stopping}.
   */
  Map<SourcePartition, String> committedMetadata(
      Collection<SourcePartition> partitions, BooleanSupplier stopping) {
    for (int failures = 1; ; failures++) {
      try {
        return source.committedMetadata(partitions);
      } catch (UnsupportedOperationException e) {
        throw e;
      } catch (RuntimeException e) {
        if (stopping.getAsBoolean()) {
          throw e;
        }
        if (!backOff(failures, "the metadata committed with the offsets", e)) {
          throw e;
        }
      }
    }
  }

  /**
   * The offsets committed for {@code partitions}, those without one left out; none if the broker
   * does not answer (logged).
   */
  Map<SourcePartition, Long> committed(Collection<SourcePartition> partitions) {
    try {
      return source.committed(partitions);
    } catch (RuntimeException e) {
      LOG.warn(
          "flow {}: cannot read the committed offsets of {} ({}); their timers fire after their"
              + " next batch",
          flow,
          partitions,
          e.toString());
      return Map.of();
    }
  }

  /**
   * Seeks back to the first offsets of a batch, so the next polls read it again; returns where it
   * sought, the partitions it still owns.
   */
  Map<SourcePartition, Long> rewind(Map<SourcePartition, Long> firstOffsets) {
    Map<SourcePartition, Long> owned = owned(firstOffsets);
    owned.forEach(source::seek);
    return owned;
  }

  /**
   * After a failed transaction, whose commit may have happened after all (a timeout): seeks the
   * batch's partitions to the offsets the broker has committed, or to the batch's first offsets
   * where none is. Retries with backoff while the broker does not answer, unless {@code stopping}.
   * Returns where it sought (none if it did not).
   */
  Map<SourcePartition, Long> rewindToCommitted(
      Map<SourcePartition, Long> firstOffsets, BooleanSupplier stopping) {
    Map<SourcePartition, Long> owned = owned(firstOffsets);
    for (int failures = 1; !owned.isEmpty() && !stopping.getAsBoolean(); failures++) {
      try {
        Map<SourcePartition, Long> committed = source.committed(owned.keySet());
        Map<SourcePartition, Long> sought = new HashMap<>();
        owned.forEach(
            (partition, first) -> sought.put(partition, committed.getOrDefault(partition, first)));
        sought.forEach(source::seek);
        return sought;
      } catch (RuntimeException e) {
        if (!backOff(failures, "the committed offsets", e)) {
          return Map.of();
        }
        owned = owned(firstOffsets);
      }
    }
    return Map.of();
  }

  /**
   * Logs that reading {@code what} failed for the {@code failures}th time and waits the backoff;
   * false if interrupted meanwhile (the interrupt kept).
   */
  private boolean backOff(int failures, String what, RuntimeException failure) {
    long backoff = StopSignal.backoffMillis(failures);
    LOG.warn(
        "flow {}: cannot read {} ({}), trying again in {} ms",
        flow,
        what,
        failure.toString(),
        backoff);
    try {
      Thread.sleep(backoff);
      return true;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** After a batch committed its offsets in its transaction: the metrics a commit updates. */
  void committedInTransaction() {
    metrics.lag(source.lag().values().stream().mapToLong(Long::longValue).sum());
  }

  private Map<SourcePartition, Long> owned(Map<SourcePartition, Long> offsets) {
    Set<SourcePartition> owned = source.assignment();
    return offsets.entrySet().stream()
        .filter(e -> owned.contains(e.getKey()))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}
