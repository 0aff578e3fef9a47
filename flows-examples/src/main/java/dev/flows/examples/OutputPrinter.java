package dev.flows.examples;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The demo's reader: prints the records of example topics from the earliest offset until each
 * topic's records add up to what is expected, and fails if they do not within a deadline. A record
 * adds one, or on a topic of counts ({@code word-collect}, {@code word-window-count}) its count.
 */
final class OutputPrinter {
  private OutputPrinter() {}

  /** Prints until {@code expected} (per topic) is reached; returns how many records it printed. */
  static int print(
      String bootstrapServers, Map<String, Long> expected, Duration within, PrintStream out) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "flows-demo-printer");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    Map<String, Long> seen = new LinkedHashMap<>();
    expected.keySet().forEach(topic -> seen.put(topic, 0L));
    int printed = 0;
    long deadline = System.nanoTime() + within.toNanos();
    try (KafkaConsumer<byte[], String> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.copyOf(expected.keySet()));
      while (!reached(seen, expected) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], String> r : consumer.poll(Duration.ofMillis(200))) {
          out.printf(
              "%-17s %-8s -> %s%n", r.topic(), Examples.keyText(r.topic(), r.key()), r.value());
          seen.merge(r.topic(), weight(r), Long::sum);
          printed++;
        }
      }
    }
    if (!reached(seen, expected)) {
      throw new IllegalStateException(
          "the demo expected " + expected + " per topic but saw " + seen + " within " + within);
    }
    return printed;
  }

  /** How much one record counts towards its topic's expected total: a count, or one. */
  private static long weight(ConsumerRecord<byte[], String> record) {
    return record.topic().equals(WordCollect.WORD_COLLECT.name())
            || record.topic().equals(WordWindowCount.WORD_WINDOW_COUNT.name())
        ? Long.parseLong(record.value())
        : 1;
  }

  private static boolean reached(Map<String, Long> seen, Map<String, Long> expected) {
    return expected.entrySet().stream().allMatch(e -> seen.get(e.getKey()) >= e.getValue());
  }
}
