package dev.flows.internal.runtime;

import dev.flows.spi.SourcePartition;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per input partition, the offset below which every record this processor handled had its outputs
 * acknowledged: batches run in order and each covers a contiguous range from where the partition's
 * committed offset was, so a record below it was either published here or committed before. A fact
 * about the topic, so it stays true when the partition moves. Changed once a batch is published, in
 * batch order, possibly while the next batch's key lanes read it: an output it covers was
 * acknowledged, whichever moment a reader looks.
 */
final class PublishedOffsets {
  private final Map<SourcePartition, Long> next = new ConcurrentHashMap<>();

  /** Whether the outputs of {@code offset} of {@code partition} are known published. */
  boolean covers(SourcePartition partition, long offset) {
    Long below = next.get(partition);
    return below != null && offset < below;
  }

  /** The offset of {@code partition} below which every output is known published, 0 if none. */
  long next(SourcePartition partition) {
    return next.getOrDefault(partition, 0L);
  }

  /** Records that a batch ending at these offsets (exclusive) was published. */
  void published(Map<SourcePartition, Long> nextOffsets) {
    nextOffsets.forEach((partition, offset) -> next.merge(partition, offset, Math::max));
  }
}
