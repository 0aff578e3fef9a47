package dev.flows.internal.runtime;

import dev.flows.spi.Source;
import dev.flows.spi.SourcePartition;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Pauses a source's partitions the batch buffer holds enough of ({@link Batcher#toPause}) and
 * resumes them once it does not, so the poll loop keeps polling (and stays in its group) without
 * fetching more than it can hold. Used by the polling thread only.
 */
final class BackPressure {
  private final Source source;
  private final Set<SourcePartition> paused = new HashSet<>();

  BackPressure(Source source) {
    this.source = source;
  }

  /** Pauses the partitions of {@code batcher}'s choice and resumes the others it paused. */
  void apply(Batcher batcher) {
    Set<SourcePartition> wanted = batcher.toPause(source::assignment);
    if (wanted.isEmpty() && paused.isEmpty()) {
      return;
    }
    Set<SourcePartition> toResume = new HashSet<>(paused);
    toResume.removeAll(wanted);
    if (!toResume.isEmpty()) {
      source.resume(toResume);
      paused.removeAll(toResume);
    }
    Set<SourcePartition> toPause = new HashSet<>(wanted);
    toPause.removeAll(paused);
    if (!toPause.isEmpty()) {
      source.pause(toPause);
      paused.addAll(toPause);
    }
  }

  /** Forgets partitions no longer assigned. */
  void forget(Collection<SourcePartition> partitions) {
    paused.removeAll(partitions);
  }
}
