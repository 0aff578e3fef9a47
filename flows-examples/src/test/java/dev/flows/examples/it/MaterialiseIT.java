package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.Flow;
import dev.flows.TableSpec;
import dev.flows.Topic;
import dev.flows.examples.WordMaterialise;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresTableSink;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example materialise flow on the real broker and PostgreSQL: 200k counts with repeated keys
 * and tombstones leave the table equal to the last value per key, and so does a replay from the
 * earliest offset, which touches no row and no deleted marker (the offset guard refuses every older
 * record; a tombstone leaves a marker, so a replayed older value cannot bring its key back).
 */
@FlowsServices
class MaterialiseIT {
  private static final Logger LOG = LoggerFactory.getLogger(MaterialiseIT.class);
  private static final Duration DEADLINE = Duration.ofSeconds(180);
  private static final int RECORDS = 200_000;
  private static final int KEYS = 10_000;

  private final Topic<String, String> counts = topic("it-materialise-counts", string(), string());
  private final TableSpec table =
      new TableSpec(
          "it_materialised",
          WordMaterialise.TABLE.primaryKey(),
          WordMaterialise.TABLE.columns(),
          WordMaterialise.TABLE.offsetColumn());
  private final Flow flow = WordMaterialise.flow("it-materialise-words", counts, table);

  @Test
  void shouldHoldTheLastValuePerKeyWhenRecordsRepeatKeysAndTheGroupIsReplayed(
      TestKafka kafka, TestPostgres postgres) {
    kafka.createTopic(counts.name(), 6);
    kafka.createTopic(flow.deadLetterTopic(), 1);
    postgres.execute("DROP TABLE IF EXISTS " + table.name());
    Map<String, Long> expected = produce(kafka);
    try (PostgresTableSink sink = PostgresTableSink.create(postgres.dataSource())) {
      long start = System.nanoTime();
      runUntilCommitted(kafka, sink);
      double seconds = (System.nanoTime() - start) / 1e9;
      LOG.info(
          "materialised {} records into {} rows in {} s: {} records/s (from start, broker round trips included)",
          RECORDS,
          expected.size(),
          String.format("%.1f", seconds),
          (long) (RECORDS / seconds));
      assertEquals(expected, read(postgres, "count", "NOT deleted"));
      Map<String, Long> versions = read(postgres, "xmin::text::bigint", "true");

      kafka.deleteGroups(List.of(flow.name()));
      runUntilCommitted(kafka, sink);

      assertEquals(
          expected,
          read(postgres, "count", "NOT deleted"),
          "the replay leaves the last value per key");
      assertEquals(
          versions,
          read(postgres, "xmin::text::bigint", "true"),
          "the replay rewrote no row and no deleted marker: every older record was refused");
    }
  }

  /**
   * Record {@code i}: key {@code k<i % KEYS>}, value {@code i}, or a tombstone when {@code i % 7 ==
   * 3}.
   */
  private Map<String, Long> produce(TestKafka kafka) {
    List<byte[][]> records = new ArrayList<>(RECORDS);
    Map<String, Long> last = new HashMap<>();
    for (int i = 0; i < RECORDS; i++) {
      String key = "k" + (i % KEYS);
      boolean tombstone = i % 7 == 3;
      records.add(new byte[][] {bytes(key), tombstone ? null : bytes(Integer.toString(i))});
      if (tombstone) {
        last.remove(key);
      } else {
        last.put(key, (long) i);
      }
    }
    kafka.produce(counts.name(), records);
    return last;
  }

  private void runUntilCommitted(TestKafka kafka, PostgresTableSink sink) {
    try (FlowRuntime runtime =
        FlowRuntime.builder(flow)
            .connector(KafkaConnector.create(kafka.bootstrapServers()))
            .tableSink(sink)
            .build()
            .start()) {
      Awaits.until(
          DEADLINE,
          "all " + RECORDS + " records committed",
          () ->
              kafka.committedOffsets(flow.name(), counts.name()).values().stream()
                      .mapToLong(Long::longValue)
                      .sum()
                  >= RECORDS);
    }
  }

  /** {@code word -> expression} for every row matching {@code where}. */
  private Map<String, Long> read(TestPostgres postgres, String expression, String where) {
    Map<String, Long> rows = new HashMap<>();
    try (Connection c = postgres.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT word, " + expression + " FROM " + table.name() + " WHERE " + where)) {
      while (rs.next()) {
        rows.put(rs.getString(1), rs.getLong(2));
      }
    } catch (SQLException e) {
      throw new AssertionError("cannot read " + table.name() + ": " + e.getMessage(), e);
    }
    return rows;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
