package dev.flows.internal.runtime;

import dev.flows.spi.Source;
import dev.flows.spi.SourcePartition;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Pauses a source's partitions while the batch buffer is full and resumes them once it is not, so
 * the poll loop keeps polling (and stays in its group) without fetching more than it can hold. Used
 * by the polling thread only.
 */
final class BackPressure {
  private final Source source;
  private final Set<SourcePartition> paused = new HashSet<>();

  BackPressure(Source source) {
    this.source = source;
  }

  /** Pauses every assigned partition when {@code full}, else resumes what it paused. */
  void apply(boolean full) {
    if (full) {
      Set<SourcePartition> toPause = new HashSet<>(source.assignment());
      toPause.removeAll(paused);
      if (!toPause.isEmpty()) {
        source.pause(toPause);
        paused.addAll(toPause);
      }
    } else if (!paused.isEmpty()) {
      source.resume(paused);
      paused.clear();
    }
  }

  /** Forgets partitions no longer assigned. */
  void forget(Collection<SourcePartition> partitions) {
    paused.removeAll(partitions);
  }
}
