package dev.flows.internal.runtime;

import dev.flows.spi.SourcePartition;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Processes whole batches for the polling loop: stateless or stateful. */
public interface BatchHandler {

  /**
   * Processes the batch and returns once every output is acknowledged. Throws {@link
   * dev.flows.FlowFailedException} to stop the flow, anything else to have the batch rewound and
   * retried.
   */
  void process(Batch batch);

  /** Partitions moved: drop anything cached for them. Called on the polling thread. */
  default void partitionsChanged() {}

  /**
   * Partitions newly assigned, with what reads the metadata committed with their offsets (a
   * windowed flow's stream times). Called on the polling thread.
   */
  default void assigned(
      Collection<SourcePartition> partitions,
      Function<Collection<SourcePartition>, Map<SourcePartition, String>> committedMetadata) {}

  /**
   * Whether it fires wall-clock timers in batches without records of a partition ({@link
   * Batch#idle}): the polling loop then keeps each owned partition's offset to read next.
   */
  default boolean ticks() {
    return false;
  }

  /**
   * The partitions whose wall-clock timers are due, or whose firings are not known published: a
   * batch should hold them, idle if no record of them is there. Called on the polling thread.
   */
  default Set<SourcePartition> dueTicks() {
    return Set.of();
  }
}
