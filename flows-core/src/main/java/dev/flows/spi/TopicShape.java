package dev.flows.spi;

/**
 * What identifies one incarnation and layout of a topic: offsets and partitions only mean the same
 * thing while these stay the same.
 *
 * @param topic the topic name
 * @param topicId the broker's id of the topic (a new one when the topic is deleted and created
 *     again), {@code null} if the broker has none
 * @param partitions the partition count
 * @param generation how many times this flow accepted that the topic was recreated (0 at first): a
 *     flow's stored offsets of an earlier generation are dropped when read
 */
public record TopicShape(String topic, String topicId, int partitions, int generation) {
  /** The shape as the broker reports it: generation 0. */
  public static TopicShape of(String topic, String topicId, int partitions) {
    return new TopicShape(topic, topicId, partitions, 0);
  }
}
