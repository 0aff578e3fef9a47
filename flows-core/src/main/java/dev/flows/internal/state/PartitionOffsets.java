package dev.flows.internal.state;

import dev.flows.spi.SourcePartition;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The last offset per partition, for the few partitions that feed one row: two parallel arrays
 * searched in order, which copy and look up faster than a map at these sizes. Mutable.
 */
final class PartitionOffsets {
  private SourcePartition[] partitions;
  private long[] offsets;
  private int size;

  PartitionOffsets() {
    this(new SourcePartition[2], new long[2], 0);
  }

  private PartitionOffsets(SourcePartition[] partitions, long[] offsets, int size) {
    this.partitions = partitions;
    this.offsets = offsets;
    this.size = size;
  }

  /** The offset of {@code partition}, or -1 if none. */
  long get(SourcePartition partition) {
    int i = indexOf(partition);
    return i < 0 ? -1 : offsets[i];
  }

  /** Keeps the greater of the stored offset and {@code offset}. */
  void max(SourcePartition partition, long offset) {
    int i = indexOf(partition);
    if (i >= 0) {
      offsets[i] = Math.max(offsets[i], offset);
      return;
    }
    if (size == partitions.length) {
      partitions = Arrays.copyOf(partitions, size * 2);
      offsets = Arrays.copyOf(offsets, size * 2);
    }
    partitions[size] = partition;
    offsets[size++] = offset;
  }

  /** How many partitions. */
  int size() {
    return size;
  }

  /** The {@code i}th partition. */
  SourcePartition partition(int i) {
    return partitions[i];
  }

  /** The offset of the {@code i}th partition. */
  long offset(int i) {
    return offsets[i];
  }

  /** A copy sharing nothing with this one. */
  PartitionOffsets copy() {
    return new PartitionOffsets(partitions.clone(), offsets.clone(), size);
  }

  /** As a map. */
  Map<SourcePartition, Long> asMap() {
    Map<SourcePartition, Long> map = new HashMap<>(size * 2);
    for (int i = 0; i < size; i++) {
      map.put(partitions[i], offsets[i]);
    }
    return map;
  }

  private int indexOf(SourcePartition partition) {
    for (int i = 0; i < size; i++) {
      if (partitions[i].equals(partition)) {
        return i;
      }
    }
    return -1;
  }
}
