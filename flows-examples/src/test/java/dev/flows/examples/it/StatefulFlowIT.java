package dev.flows.examples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.DeadLetterHeaders;
import dev.flows.Flow;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A stateful count on the real broker and PostgreSQL: rebalances, replays and poison records. */
@FlowsServices
class StatefulFlowIT {
  private static final Logger LOG = LoggerFactory.getLogger(StatefulFlowIT.class);
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  @Test
  void shouldKeepCountsExactWhenInstancesGoFromOneToThreeToOne(
      TestKafka kafka, TestPostgres postgres) {
    CountFlow count = new CountFlow("rebalance");
    CountChecks checks = new CountChecks(count, kafka, postgres, 600);
    checks.prepare(6);
    Flow flow = count.flow(null);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime first = runtime(flow, kafka, store).start()) {
      checks.produce(0, 20_000);
      Awaits.until(
          DEADLINE, "the first third applied by one instance", () -> checks.appliedSum() >= 20_000);
      try (FlowRuntime second = runtime(flow, kafka, store).start();
          FlowRuntime third = runtime(flow, kafka, store).start()) {
        checks.produce(20_000, 40_000);
        Awaits.until(
            DEADLINE, "three instances assigned", () -> second.isReady() && third.isReady());
        Awaits.until(
            DEADLINE,
            "the second third applied by three instances",
            () -> checks.appliedSum() >= 40_000);
      }
      checks.produce(40_000, 60_000);
      Awaits.until(
          DEADLINE, "the last third applied by one instance", () -> checks.appliedSum() >= 60_000);
    }
    checks.assertExactCounts(60_000);
    checks.assertEveryInputPublished(60_000);
  }

  @Test
  void shouldKeepStateAndReemitStoredResultsWhenTheGroupIsReplayedFromEarliest(
      TestKafka kafka, TestPostgres postgres) {
    int total = 10_000;
    CountFlow count = new CountFlow("replay");
    CountChecks checks = new CountChecks(count, kafka, postgres, 50);
    checks.prepare(3);
    checks.produce(0, total);
    Flow flow = count.flow(null);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource())) {
      runUntilCommitted(flow, kafka, store, count, total);
      checks.assertExactCounts(total);
      List<ConsumerRecord<byte[], byte[]>> firstRun = checks.assertEveryInputPublished(total);
      Map<Integer, Long> lastOffsets = new HashMap<>();
      firstRun.forEach(r -> lastOffsets.merge(r.partition(), r.offset(), Math::max));

      kafka.deleteGroups(List.of(flow.name()));
      runUntilCommitted(flow, kafka, store, count, total);

      checks.assertExactCounts(total);
      List<String> replayed = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r :
          kafka.readAll(count.output().name(), firstRun.size() + 1, DEADLINE)) {
        if (r.offset() > lastOffsets.getOrDefault(r.partition(), -1L)) {
          replayed.add(value(r));
        }
      }
      LOG.info("the replay of {} records re-emitted {} stored results", total, replayed.size());
      assertTrue(
          new HashSet<>(firstRun.stream().map(StatefulFlowIT::value).toList())
              .containsAll(replayed),
          "a replay only re-emits results published before");
      Set<String> lastPerKey = new HashSet<>();
      for (int k = 0; k < 50; k++) {
        lastPerKey.add(total / 50 + ":v" + (total - 50 + k));
      }
      assertTrue(
          new HashSet<>(replayed).containsAll(lastPerKey),
          "each key's last stored result is re-emitted");
    }
  }

  @Test
  void shouldDeadLetterThePoisonRecordAndLeaveStateUnchangedWhenTheStateFunctionThrows(
      TestKafka kafka, TestPostgres postgres) {
    CountFlow count = new CountFlow("poison");
    CountChecks checks = new CountChecks(count, kafka, postgres, 10);
    checks.prepare(2);
    checks.produce(0, 500);
    kafka.produce(
        count.input().name(),
        List.<byte[][]>of(
            new byte[][] {CountChecks.bytes("k3"), CountChecks.bytes(CountFlow.POISON)}));
    checks.produce(500, 1_000);
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime runtime = runtime(count.flow(null), kafka, store).start()) {
      Awaits.until(DEADLINE, "every good record applied", () -> checks.appliedSum() >= 1_000);
      List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(count.name() + ".dlq", 1, DEADLINE);
      assertEquals(1, dead.size());
      assertEquals(CountFlow.POISON, new String(dead.get(0).value(), StandardCharsets.UTF_8));
      assertEquals("process", header(dead.get(0), DeadLetterHeaders.ERROR_STAGE));
      assertEquals("poison record for k3", header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE));
    }
    checks.assertExactCounts(1_000);
  }

  private static void runUntilCommitted(
      Flow flow, TestKafka kafka, PostgresStateStore store, CountFlow count, long total) {
    try (FlowRuntime runtime = runtime(flow, kafka, store).start()) {
      Awaits.until(
          DEADLINE,
          "offsets of all " + total + " inputs committed",
          () -> committedSum(kafka, flow, count) >= total);
    }
  }

  private static long committedSum(TestKafka kafka, Flow flow, CountFlow count) {
    Map<Integer, Long> offsets = kafka.committedOffsets(flow.name(), count.input().name());
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }

  private static FlowRuntime runtime(Flow flow, TestKafka kafka, PostgresStateStore store) {
    return FlowRuntime.builder(flow)
        .connector(KafkaConnector.create(kafka.bootstrapServers()))
        .stateStore(store)
        .build();
  }

  private static String value(ConsumerRecord<byte[], byte[]> record) {
    return new String(record.value(), StandardCharsets.UTF_8);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    return new String(record.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }
}
