package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.DeadLetterHeaders;
import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.format.Formats;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Values PostgreSQL cannot hold, and a stored state that no longer decodes, are the records' own
 * problem: each is dead-lettered with the reason, every other record of the batch is applied and
 * committed, and the flow stays ready (before protocol v2, each stalled its partition for good).
 */
@FlowsServices
class StatePoisonIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final Topic<String, String> IN = topic("it-poison-state-in", string(), string());
  private static final Topic<String, String> OUT = topic("it-poison-state-out", string(), string());
  private static final String TABLE = "it_poison_state";

  @Test
  void shouldDeadLetterEachPoisonRecordAndApplyTheRestWhenTheStoreCannotHoldIt(
      TestKafka kafka, TestPostgres postgres) {
    Flow flow =
        Flows.stateful("it-poison-state-count")
            .from(IN)
            .stateKey((key, value) -> value.equals("lone") ? "x\uD800" : key) // half an emoji
            .state(StateSpec.of("count", Formats.longs(), () -> 0L).withTable(TABLE))
            .apply((key, value, n) -> StateUpdate.set(n + 1, Long.toString(n + 1)))
            .to(OUT);
    kafka.createTopic(IN.name(), 1);
    kafka.createTopic(OUT.name(), 1);
    kafka.createTopic(flow.deadLetterTopic(), 1);
    String huge = randomLetters(12_000); // longer than a btree index entry may be
    List<byte[][]> records = new ArrayList<>();
    for (String[] kv :
        new String[][] {
          {"k1", "v"},
          {huge, "v"},
          {"k2", "v"},
          {"a\u0000b", "v"},
          {"k1", "v"},
          {"k3", "lone"},
          {"bad", "v"},
          {"k2", "v"}
        }) {
      records.add(new byte[][] {bytes(kv[0]), bytes(kv[1])});
    }
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource())) {
      store.table(TABLE);
      postgres.execute(
          "INSERT INTO "
              + TABLE
              + " (id, state, progress, version) VALUES ('bad', 'garbage', '', 1)");
      kafka.produce(IN.name(), records);
      try (FlowRuntime runtime =
          FlowRuntime.builder(flow)
              .connector(KafkaConnector.create(kafka.bootstrapServers()))
              .stateStore(store)
              .build()
              .start()) {
        Awaits.until(
            DEADLINE,
            "every input committed",
            () -> kafka.committedOffsets(flow.name(), IN.name()).getOrDefault(0, 0L) >= 8);
        Awaits.until(DEADLINE, "the flow ready", runtime::isReady);
      }
    }
    assertEquals(Map.of("bad", "garbage", "k1", "2", "k2", "2"), states(postgres));
    Map<String, String> reasons = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> dead : kafka.readAll(flow.deadLetterTopic(), 4, DEADLINE)) {
      String key = text(dead.key());
      reasons.put(
          key.length() > 20 ? "huge" : key,
          header(dead, DeadLetterHeaders.ERROR_STAGE)
              + ": "
              + header(dead, DeadLetterHeaders.ERROR_MESSAGE));
    }
    assertEquals(List.of("a\u0000b", "bad", "huge", "k3"), List.copyOf(reasons.keySet()));
    assertTrue(reasons.get("huge").startsWith("store: "), reasons.get("huge"));
    assertTrue(reasons.get("huge").contains("54000"), reasons.get("huge"));
    assertTrue(reasons.get("a\u0000b").contains("U+0000"), reasons.get("a\u0000b"));
    assertTrue(reasons.get("k3").contains("lone UTF-16 surrogate"), reasons.get("k3"));
    assertTrue(
        reasons.get("bad").contains("cannot decode stored state of bad"), reasons.get("bad"));
  }

  private static Map<String, String> states(TestPostgres postgres) {
    Map<String, String> states = new TreeMap<>();
    try (var connection = postgres.dataSource().getConnection();
        var rows =
            connection
                .createStatement()
                .executeQuery("SELECT id, convert_from(state, 'UTF8') FROM " + TABLE)) {
      while (rows.next()) {
        states.put(rows.getString(1), rows.getString(2));
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
    return states;
  }

  private static String randomLetters(int length) {
    Random random = new Random(7);
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    return text.toString();
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    return text(record.headers().lastHeader(key).value());
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
