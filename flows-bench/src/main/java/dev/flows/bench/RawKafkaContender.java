package dev.flows.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code raw-map}: the client limit. A hand-written consume-produce loop with the same guarantee as
 * Flows (send every output, flush, then commit the polled offsets) and the same client settings as
 * Flows' {@code KafkaConnector} (2,000 records per poll, linger 5 ms, 128 KiB batches, idempotent
 * producer with acks=all).
 */
final class RawKafkaContender {
  private RawKafkaContender() {}

  static void stateless(Params p) {
    try (KafkaConsumer<String, String> consumer =
            new KafkaConsumer<>(
                consumerConfig(p), new StringDeserializer(), new StringDeserializer());
        KafkaProducer<String, String> producer =
            new KafkaProducer<>(
                producerConfig(p), new StringSerializer(), new StringSerializer())) {
      consumer.subscribe(List.of(p.get("in")));
      String out = p.get("out");
      while (true) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
        if (records.isEmpty()) {
          continue;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
          producer.send(new ProducerRecord<>(out, r.key(), Work.map(Marks.first(r.value()))));
          offsets.put(
              new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        producer.flush();
        consumer.commitSync(offsets);
      }
    }
  }

  private static Map<String, Object> consumerConfig(Params p) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, p.get("bootstrap"));
    config.put(ConsumerConfig.GROUP_ID_CONFIG, p.get("name"));
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
    return config;
  }

  private static Map<String, Object> producerConfig(Params p) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, p.get("bootstrap"));
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return config;
  }
}
