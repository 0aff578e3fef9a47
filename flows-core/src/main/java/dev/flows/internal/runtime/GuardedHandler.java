package dev.flows.internal.runtime;

import dev.flows.spi.SourcePartition;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;

/**
 * A handler whose input topics are checked by a {@link TopicGuard} before the first batch after
 * every assignment change: a join's merge step, so a recreated source topic stops it before any
 * envelope of the new topic reaches the stateful step.
 */
final class GuardedHandler implements BatchHandler {
  private final BatchHandler handler;
  private final TopicGuard guard;

  GuardedHandler(BatchHandler handler, TopicGuard guard) {
    this.handler = handler;
    this.guard = guard;
  }

  @Override
  public void process(Batch batch) {
    guard.generations();
    handler.process(batch);
  }

  @Override
  public void partitionsChanged() {
    guard.invalidate();
    handler.partitionsChanged();
  }

  @Override
  public void assigned(
      Collection<SourcePartition> partitions,
      Function<Collection<SourcePartition>, Map<SourcePartition, String>> committedMetadata) {
    handler.assigned(partitions, committedMetadata);
  }
}
