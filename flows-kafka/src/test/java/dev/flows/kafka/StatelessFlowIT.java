package dev.flows.kafka;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.Topic;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@FlowsServices
class StatelessFlowIT {
  private static final Logger LOG = LoggerFactory.getLogger(StatelessFlowIT.class);
  private static final int RECORDS = 100_000;
  private static final int PARTITIONS = 6;

  @Test
  void shouldDeliverEveryRecordWhenAnInstanceJoinsAndAnotherLeavesMidStream(TestKafka kafka) {
    Topic<String, String> in = topic("stateless-it-in", string(), string());
    Topic<String, String> out = topic("stateless-it-out", string(), string());
    kafka.createTopic(in.name(), PARTITIONS);
    kafka.createTopic(out.name(), PARTITIONS);
    Flow flow =
        Flows.stateless("it-stateless-map", FlowOptions.defaults().withMaxRecords(1_000))
            .from(in)
            .mapValues(v -> v + "!")
            .to(out);
    int third = RECORDS / 3;
    long start = System.nanoTime();
    FlowRuntime first = runtime(flow, kafka).start();
    kafka.produce(in.name(), inputs(0, third));
    Awaits.until(
        Duration.ofSeconds(60),
        "the first third through one instance",
        () -> kafka.endOffsetsSum(out.name()) >= third);
    FlowRuntime second = runtime(flow, kafka).start();
    kafka.produce(in.name(), inputs(third, 2 * third));
    Awaits.until(Duration.ofSeconds(60), "a second instance assigned", second::isReady);
    Awaits.until(
        Duration.ofSeconds(60),
        "the second third through two instances",
        () -> kafka.endOffsetsSum(out.name()) >= 2 * third);
    kafka.produce(in.name(), inputs(2 * third, RECORDS));
    first.close(); // mid-stream: drains its batch, its partitions move to the second instance
    // Every input committed, not "as many outputs as inputs": outputs count the rebalances'
    // duplicates, so that count can be reached while the second instance still has records to read.
    Awaits.until(
        Duration.ofSeconds(120),
        "every input committed",
        () -> committedSum(kafka, flow, in) >= RECORDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    second.close();

    List<ConsumerRecord<byte[], byte[]>> outputs =
        kafka.readAll(out.name(), RECORDS, Duration.ofSeconds(60));
    Set<String> distinct = new HashSet<>();
    outputs.forEach(r -> distinct.add(new String(r.value(), StandardCharsets.UTF_8)));
    LOG.info(
        "{} outputs ({} distinct) in {} s across two rebalances, producing included: {} records/s",
        outputs.size(),
        distinct.size(),
        String.format("%.1f", seconds),
        Math.round(RECORDS / seconds));
    assertEquals(expectedOutputs(RECORDS), distinct, "every input must arrive downstream");
    assertTrue(
        outputs.size() - RECORDS <= 2 * PARTITIONS * 1_000,
        "duplicates are bounded by the in-flight batches at a rebalance, got "
            + (outputs.size() - RECORDS));
  }

  private static long committedSum(TestKafka kafka, Flow flow, Topic<?, ?> in) {
    return kafka.committedOffsets(flow.name(), in.name()).values().stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  static FlowRuntime runtime(Flow flow, TestKafka kafka) {
    return FlowRuntime.builder(flow)
        .connector(KafkaConnector.create(kafka.bootstrapServers()))
        .build();
  }

  private static List<byte[][]> inputs(int from, int to) {
    List<byte[][]> records = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      records.add(
          new byte[][] {
            ("k" + (i % 997)).getBytes(StandardCharsets.UTF_8),
            ("v" + i).getBytes(StandardCharsets.UTF_8)
          });
    }
    return records;
  }

  private static Set<String> expectedOutputs(int count) {
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < count; i++) {
      expected.add("v" + i + "!");
    }
    return expected;
  }
}
