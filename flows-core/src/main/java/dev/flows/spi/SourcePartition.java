package dev.flows.spi;

/**
 * A partition of an input topic: the unit of ordering, assignment and commit.
 *
 * @param topic the topic name
 * @param partition the partition number
 */
public record SourcePartition(String topic, int partition) {
  @Override
  public String toString() {
    return topic + "-" + partition;
  }
}
