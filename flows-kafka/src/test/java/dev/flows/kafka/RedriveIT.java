package dev.flows.kafka;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.flows.DeadLetterHeaders;
import dev.flows.ErrorPolicy;
import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.Topic;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

@FlowsServices
class RedriveIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String ISE = IllegalStateException.class.getName();
  private static final String IAE = IllegalArgumentException.class.getName();

  private final AtomicBoolean fixed = new AtomicBoolean();

  @Test
  void shouldRedriveDeadLettersToTheFlowAloneOnceEachWhenTheCauseIsFixed(TestKafka kafka) {
    Topic<String, String> in = topic("redrive-it-in", string(), string());
    Topic<String, String> out = topic("redrive-it-out", string(), string());
    Topic<String, String> otherOut = topic("redrive-it-other-out", string(), string());
    FlowOptions options =
        FlowOptions.defaults()
            .withErrorPolicy(ErrorPolicy.defaults().withMaxAttempts(1).withRetryTopic());
    Flow flow =
        Flows.stateless("it-redrive-check", options).from(in).mapValues(this::check).to(out);
    Flow other = Flows.stateless("it-redrive-other").from(in).to(otherOut);
    Redrive redrive = Redrive.of(KafkaConnector.create(kafka.bootstrapServers()), flow);
    for (String name :
        List.of(
            in.name(), out.name(), otherOut.name(), flow.deadLetterTopic(), redrive.retryTopic())) {
      kafka.createTopic(name, 3);
    }
    kafka.produce(
        in.name(),
        List.of("good1", "good2", "good3", "bad1", "bad2", "doomed").stream()
            .map(v -> new byte[][] {bytes(v), bytes(v)})
            .toList());
    Redrive.Options once = Redrive.Options.defaults().withMaxRedrives(1);

    try (FlowRuntime runtime =
        FlowRuntime.builder(flow, other)
            .connector(KafkaConnector.create(kafka.bootstrapServers()))
            .build()
            .start()) {
      kafka.readAll(out.name(), 3, TIMEOUT);
      kafka.readAll(flow.deadLetterTopic(), 3, TIMEOUT);
      fixed.set(true);

      RedriveReport dry = redrive.run(once.withDryRun(true));
      assertEquals(Map.of(ISE, 2, IAE, 1), dry.redriven());
      assertEquals(3, dry.firstKeys().size());
      assertEquals(
          "dry run: would re-drive 3 dead letters from it-redrive-check.dlq to"
              + " it-redrive-check.retry, per error class {"
              + IAE
              + "=1, "
              + ISE
              + "=2}",
          dry.text().lines().findFirst().orElseThrow().replaceAll(", first keys.*", ""));
      RedriveReport dryFiltered =
          redrive.run(once.withDryRun(true).withErrorClass(ISE).withSince(Instant.EPOCH));
      assertEquals(Map.of(ISE, 2), dryFiltered.redriven());
      assertEquals(1, dryFiltered.unmatched());
      assertEquals(0, kafka.endOffsetsSum(redrive.retryTopic()));

      RedriveReport first = redrive.run(once);
      assertEquals(Map.of(ISE, 2, IAE, 1), first.redriven());
      List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(flow.deadLetterTopic(), 4, TIMEOUT);
      Map<String, Long> outputs = values(kafka.readAll(out.name(), 5, TIMEOUT));
      assertEquals(Map.of("good1", 1L, "good2", 1L, "good3", 1L, "bad1", 1L, "bad2", 1L), outputs);
      assertEquals(4, dead.size());
      assertEquals("1", header(dead.get(dead.size() - 1), DeadLetterHeaders.REDRIVE_COUNT));
      for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(redrive.retryTopic(), 3, TIMEOUT)) {
        assertEquals("1", header(r, DeadLetterHeaders.REDRIVE_COUNT));
      }
      assertEquals(6, kafka.readAll(otherOut.name(), 6, TIMEOUT).size());
      assertFalse(other.inputs().stream().anyMatch(t -> t.name().equals(redrive.retryTopic())));

      RedriveReport second = redrive.run(once);
      assertEquals(Map.of(), second.redriven());
      assertEquals(List.of("doomed"), second.skipped());
      RedriveReport third = redrive.run(once);
      assertEquals(0, third.total() + third.skipped().size() + third.unmatched());
      assertEquals(3, kafka.endOffsetsSum(redrive.retryTopic()));
    }
  }

  private String check(String value) {
    if (value.startsWith("doomed")) {
      throw new IllegalArgumentException("never " + value);
    }
    if (value.startsWith("bad") && !fixed.get()) {
      throw new IllegalStateException("not yet " + value);
    }
    return value;
  }

  private static Map<String, Long> values(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream()
        .collect(
            Collectors.groupingBy(
                r -> new String(r.value(), StandardCharsets.UTF_8), Collectors.counting()));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
