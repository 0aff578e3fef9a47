package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.Topic;
import dev.flows.examples.WordCollect;
import dev.flows.kafka.KafkaConnector;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The example collector on the real broker: its per-batch counts add up to the input per key. */
@FlowsServices
class CollectorIT {
  private static final Logger LOG = LoggerFactory.getLogger(CollectorIT.class);
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final int KEYS = 37;
  private static final int WORDS = 30_000;

  @Test
  void shouldSumPerBatchCountsToTheInputCountPerKeyWhenWordsStreamIn(TestKafka kafka) {
    Topic<String, String> words = topic("it-collect-word", string(), string());
    Topic<String, String> counts = topic("it-collect-out", string(), string());
    Flow flow = WordCollect.flow("it-collect-words", words, counts);
    kafka.createTopic(words.name(), 6);
    kafka.createTopic(counts.name(), 6);
    kafka.createTopic(flow.deadLetterTopic(), 1);
    try (FlowRuntime runtime =
        FlowRuntime.builder(flow)
            .connector(KafkaConnector.create(kafka.bootstrapServers()))
            .build()
            .start()) {
      produce(kafka, words, 0, WORDS / 2);
      produce(kafka, words, WORDS / 2, WORDS); // a second burst while the first is being collected
      Awaits.until(
          DEADLINE,
          "all " + WORDS + " words committed",
          () ->
              kafka.committedOffsets(flow.name(), words.name()).values().stream()
                      .mapToLong(Long::longValue)
                      .sum()
                  >= WORDS);
    }
    Map<String, Long> sums = new HashMap<>();
    List<ConsumerRecord<byte[], byte[]>> emitted = kafka.readAll(counts.name(), KEYS, DEADLINE);
    emitted.forEach(r -> sums.merge(text(r.key()), Long.parseLong(text(r.value())), Long::sum));
    LOG.info(
        "{} words over {} keys were collected into {} per-batch counts",
        WORDS,
        KEYS,
        emitted.size());
    Map<String, Long> expected = new HashMap<>();
    for (int i = 0; i < WORDS; i++) {
      expected.merge("k" + (i % KEYS), 1L, Long::sum);
    }
    assertEquals(expected, sums);
    assertTrue(emitted.size() < WORDS, "words of one key and batch are collected into one record");
  }

  private static void produce(TestKafka kafka, Topic<String, String> topic, int from, int to) {
    List<byte[][]> records = new ArrayList<>();
    for (int i = from; i < to; i++) {
      records.add(new byte[][] {bytes("k" + (i % KEYS)), bytes("w" + i)});
    }
    kafka.produce(topic.name(), records);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
