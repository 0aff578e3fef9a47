package dev.flows.kafka.internal;

import dev.flows.spi.SourcePartition;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Offsets to commit, the same way for the consumer and for a transaction. */
final class KafkaOffsets {
  private KafkaOffsets() {}

  /** {@code nextOffsets} as Kafka's, each with its partition's {@code metadata} (or none). */
  static Map<TopicPartition, OffsetAndMetadata> of(
      Map<SourcePartition, Long> nextOffsets, Map<SourcePartition, String> metadata) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    nextOffsets.forEach(
        (p, o) ->
            offsets.put(
                new TopicPartition(p.topic(), p.partition()),
                new OffsetAndMetadata(o, metadata.getOrDefault(p, ""))));
    return offsets;
  }
}
