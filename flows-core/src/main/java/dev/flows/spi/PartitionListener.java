package dev.flows.spi;

import java.util.Collection;

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
}
