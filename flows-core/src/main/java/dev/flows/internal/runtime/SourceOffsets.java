package dev.flows.internal.runtime;

import dev.flows.spi.Source;
import dev.flows.spi.SourcePartition;
import java.util.Map;
import java.util.Set;
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

  /** Commits the offsets to read next; whether any were committed. */
  boolean commit(Map<SourcePartition, Long> nextOffsets) {
    Map<SourcePartition, Long> offsets = owned(nextOffsets);
    if (offsets.isEmpty()) {
      return false;
    }
    long start = System.nanoTime();
    try {
      source.commit(offsets);
      metrics.commit(System.nanoTime() - start);
      metrics.lag(source.lag().values().stream().mapToLong(Long::longValue).sum());
      return true;
    } catch (RuntimeException e) {
      LOG.warn("flow {}: commit failed, records will be read again: {}", flow, e.toString());
      return false;
    }
  }

  /** Seeks back to the first offsets of a batch, so the next polls read it again. */
  void rewind(Map<SourcePartition, Long> firstOffsets) {
    owned(firstOffsets).forEach(source::seek);
  }

  private Map<SourcePartition, Long> owned(Map<SourcePartition, Long> offsets) {
    Set<SourcePartition> owned = source.assignment();
    return offsets.entrySet().stream()
        .filter(e -> owned.contains(e.getKey()))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}
