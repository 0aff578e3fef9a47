package dev.flows.spi;

import java.util.Collection;
import java.util.Map;

/**
 * Told by a {@link Source} about partition moves, on the polling thread, from inside {@link
 * Source#poll}.
 */
public interface PartitionListener {
  /** Partitions newly assigned to this instance. */
  void onAssigned(Collection<SourcePartition> partitions);

  /**
   * Partitions about to be taken away in an orderly rebalance: still owned during this call, so
   * finished work may be committed now.
   */
  void onRevoked(Collection<SourcePartition> partitions);

  /** Partitions already owned by someone else: nothing may be committed for them. */
  void onLost(Collection<SourcePartition> partitions);

  /**
   * The source could not go on from its position in these partitions (the records there were
   * deleted, by retention or because the topic was recreated) and moved to the earliest record
   * left. Anything cached for them, and what the flow knows of their topics, must be checked again.
   *
   * @param unread per partition, how many records were deleted before they were read
   */
  default void onPositionLost(Map<SourcePartition, Long> unread) {}
}
