package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.DeadLetterHeaders;
import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.Row;
import dev.flows.TableSpec;
import dev.flows.Topic;
import dev.flows.format.Format;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresTableSink;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Poison values on the real broker and PostgreSQL: one batch holds good records and every kind of
 * value PostgreSQL refuses or would silently change. The poison records reach {@code <flow>.dlq}
 * with the reason in headers, every good row is written, a key whose last record is poison keeps
 * its previous good value of the batch, keys equal only in PostgreSQL collapse to the last record,
 * the offsets are committed and the flows are ready.
 */
@FlowsServices
class MaterialisePoisonIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  record Entry(String note, String doc, String at, Double amount, Double ratio) {}

  private final HttpClient http = HttpClient.newHttpClient();
  private final Topic<String, Entry> entries =
      topic("it-poison-entries", json(String.class), json(Entry.class));
  private final Topic<Instant, String> instants =
      topic("it-poison-instants", text(Instant::toString, Instant::parse), json(String.class));
  private final Topic<Double, String> ratios =
      topic("it-poison-ratios", text(d -> Double.toString(d), Double::valueOf), json(String.class));
  private final TableSpec entryTable =
      TableSpec.of("it_poison_entries", Column.text("name"))
          .withColumn(Column.text("note"))
          .withColumn(Column.of("doc", ColumnType.JSONB))
          .withColumn(Column.of("at", ColumnType.TIMESTAMPTZ))
          .withColumn(Column.of("amount", ColumnType.DOUBLE))
          .withColumn(Column.of("ratio", ColumnType.DOUBLE))
          .withOffsetColumn("updated_offset");
  private final TableSpec instantTable =
      TableSpec.of("it_poison_instants", Column.of("at", ColumnType.TIMESTAMPTZ))
          .withColumn(Column.text("note"));
  private final TableSpec ratioTable =
      TableSpec.of("it_poison_ratios", Column.of("x", ColumnType.DOUBLE))
          .withColumn(Column.text("note"));
  private final FlowOptions options = FlowOptions.defaults().withMaxWait(Duration.ofSeconds(1));
  private final Flow entryFlow =
      Flows.materialise("it-materialise-poison", options)
          .from(entries)
          .into(
              entryTable,
              (name, e) ->
                  Row.of("note", e.note())
                      .with("doc", e.doc())
                      .with("at", e.at() == null ? null : Instant.parse(e.at()))
                      .with("amount", e.amount())
                      .with("ratio", e.ratio()));
  private final Flow instantFlow =
      Flows.materialise("it-materialise-poison-instants", options)
          .from(instants)
          .into(instantTable, (at, note) -> Row.of("note", note));
  private final Flow ratioFlow =
      Flows.materialise("it-materialise-poison-ratios", options)
          .from(ratios)
          .into(ratioTable, (x, note) -> Row.of("note", note));

  @Test
  void shouldDeadLetterPoisonAndWriteTheRestWhenOneBatchHoldsEveryPoisonKind(
      TestKafka kafka, TestPostgres postgres) {
    prepare(kafka, postgres);
    StringBuilder hugeKey = new StringBuilder("huge-");
    new Random(7).ints(12_000, 'a', 'z' + 1).forEach(c -> hugeKey.append((char) c));
    produceEntries(kafka, hugeKey.toString());
    Instant at = Instant.parse("2024-05-06T07:08:09.123456Z");
    kafka.produce(
        instants.name(),
        List.of(
            pair(at.plusNanos(100).toString(), "\"first\""),
            pair(at.plusSeconds(1).toString(), "\"other\""),
            pair(at.plusNanos(900).toString(), "\"last\"")));
    kafka.produce(
        ratios.name(), List.of(pair("0.0", "\"positive\""), pair("-0.0", "\"negative\"")));
    try (PostgresTableSink sink = PostgresTableSink.create(postgres.dataSource());
        FlowRuntime runtime =
            FlowRuntime.builder(entryFlow, instantFlow, ratioFlow)
                .connector(KafkaConnector.create(kafka.bootstrapServers()))
                .tableSink(sink)
                .adminPort(0)
                .build()) {
      runtime.start();
      awaitCommitted(kafka, entryFlow, entries.name(), 12);
      awaitCommitted(kafka, instantFlow, instants.name(), 3);
      awaitCommitted(kafka, ratioFlow, ratios.name(), 2);
      int port = runtime.adminPort().orElseThrow();
      Awaits.until(DEADLINE, "/health/ready to answer 200", () -> ready(port) == 200);
      assertTrue(runtime.isReady(), runtime.status().toString());
    }

    assertDeadLetters(kafka, hugeKey.toString());
    assertEquals(
        Map.of(
            "good-1",
            List.of(
                "one",
                "{\"a\": 1}",
                "2024-01-01 00:00:00+00",
                "12.50",
                "0",
                "0",
                "0",
                "0",
                "f",
                "null"),
            "keep",
            List.of("kept", "null", "null", "1.50", "null", "1", "0", "0", "f", "null"),
            "good-2",
            List.of(
                "two",
                "null",
                "2024-01-01 00:00:00.123456+00",
                "null",
                "0.5",
                "11",
                "0",
                "0",
                "f",
                "null")),
        rows(postgres, "SELECT * FROM " + entryTable.name()),
        "the mapped columns, the offset, source_partition, source_generation, deleted and"
            + " deleted_at");
    assertEquals(
        Map.of(
            "2024-05-06 07:08:09.123456+00",
            List.of("last"),
            "2024-05-06 07:08:10.123456+00",
            List.of("other")),
        rows(postgres, "SELECT * FROM " + instantTable.name()));
    assertEquals(
        Map.of("0", List.of("negative")), rows(postgres, "SELECT * FROM " + ratioTable.name()));
  }

  private void prepare(TestKafka kafka, TestPostgres postgres) {
    for (Flow flow : List.of(entryFlow, instantFlow, ratioFlow)) {
      kafka.createTopic(flow.inputs().get(0).name(), 1);
      kafka.createTopic(flow.deadLetterTopic(), 1);
    }
    for (TableSpec table : List.of(entryTable, instantTable, ratioTable)) {
      postgres.execute("DROP TABLE IF EXISTS " + table.name());
    }
    // An existing table is used as it is: this one's amount is narrower than a double.
    postgres.execute(
        "CREATE TABLE "
            + entryTable.name()
            + " (name text PRIMARY KEY, note text, doc jsonb, at timestamptz,"
            + " amount numeric(6, 2), ratio double precision, updated_offset bigint)");
  }

  /** Twelve records at offsets 0 to 11; the poison ones at 2 to 10. */
  private void produceEntries(TestKafka kafka, String hugeKey) {
    kafka.produce(
        entries.name(),
        List.of(
            entry(
                "good-1",
                "{\"note\": \"one\", \"doc\": \"{\\\"a\\\": 1}\", \"at\":"
                    + " \"2024-01-01T00:00:00Z\", \"amount\": 12.5, \"ratio\": -0.0}"),
            entry("keep", "{\"note\": \"kept\", \"amount\": 1.5}"),
            entry("bad-json", "{\"doc\": \"not json\"}"),
            entry("bad-nul", "{\"note\": \"a\\u0000b\"}"),
            entry("bad-surrogate", "{\"note\": \"a\\ud800b\"}"),
            entry("bad-time", "{\"at\": \"+300000-01-01T00:00:00Z\"}"),
            entry("bad-amount", "{\"amount\": 1e9}"),
            entry(hugeKey, "{\"note\": \"a key too large to index, even compressed\"}"),
            entry("bad-key-\\udc00", "{\"note\": \"a key PostgreSQL would change\"}"),
            entry("keep", "{\"note\": \"kept?\", \"doc\": \"{oops\"}"),
            entry("bad-json-nul", "{\"doc\": \"{\\\"a\\\": \\\"\\\\u0000\\\"}\"}"),
            entry(
                "good-2",
                "{\"note\": \"two\", \"at\": \"2024-01-01T00:00:00.123456789Z\","
                    + " \"ratio\": 0.5}")));
  }

  /** By source offset: the stage and a part of the reason. */
  private void assertDeadLetters(TestKafka kafka, String hugeKey) {
    Map<Long, List<String>> expected = new TreeMap<>();
    expected.put(2L, List.of("store", "invalid input syntax for type json"));
    expected.put(
        3L, List.of("process", "column note text of table it_poison_entries holds U+0000"));
    expected.put(4L, List.of("process", "holds an unpaired surrogate U+D800 at index 1"));
    expected.put(5L, List.of("store", "timestamp out of range"));
    expected.put(6L, List.of("store", "numeric field overflow"));
    expected.put(7L, List.of("store", "index row"));
    expected.put(8L, List.of("process", "the record key is the primary key name text"));
    expected.put(9L, List.of("store", "invalid input syntax for type json"));
    expected.put(10L, List.of("store", "unsupported Unicode escape sequence"));
    List<ConsumerRecord<byte[], byte[]>> dead =
        kafka.readAll(entryFlow.deadLetterTopic(), expected.size(), DEADLINE);
    Map<Long, List<String>> actual = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : dead) {
      long offset = Long.parseLong(header(record, DeadLetterHeaders.SOURCE_OFFSET));
      String stage = header(record, DeadLetterHeaders.ERROR_STAGE);
      String message = header(record, DeadLetterHeaders.ERROR_MESSAGE);
      String part = expected.getOrDefault(offset, List.of("", "")).get(1);
      actual.put(offset, List.of(stage, message.contains(part) ? part : message));
      assertEquals(entryFlow.name(), header(record, DeadLetterHeaders.FLOW));
      if (offset == 7) {
        assertEquals(hugeKey, json(String.class).decode(record.key()), "the original key");
      }
    }
    assertEquals(expected, actual);
    assertEquals(List.of(), kafka.readAll(instantFlow.deadLetterTopic(), 0, DEADLINE));
    assertEquals(List.of(), kafka.readAll(ratioFlow.deadLetterTopic(), 0, DEADLINE));
  }

  private void awaitCommitted(TestKafka kafka, Flow flow, String topic, long records) {
    Awaits.until(
        DEADLINE,
        "the " + records + " records of " + topic + " committed by " + flow.name(),
        () ->
            kafka.committedOffsets(flow.name(), topic).values().stream()
                    .mapToLong(Long::longValue)
                    .sum()
                >= records);
  }

  private int ready(int port) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health/ready")).build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while asking /health/ready", e);
    }
  }

  /** The first column's text to the other columns' text ({@code "null"} for SQL null). */
  private static Map<String, List<String>> rows(TestPostgres postgres, String query) {
    Map<String, List<String>> rows = new HashMap<>();
    try (Connection c = postgres.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("SET TIME ZONE 'UTC'");
      try (ResultSet rs = s.executeQuery(query)) {
        ResultSetMetaData meta = rs.getMetaData();
        while (rs.next()) {
          List<String> values = new ArrayList<>();
          for (int i = 2; i <= meta.getColumnCount(); i++) {
            values.add(String.valueOf(rs.getString(i)));
          }
          rows.put(rs.getString(1), values);
        }
      }
    } catch (SQLException e) {
      throw new AssertionError("cannot run " + query + ": " + e.getMessage(), e);
    }
    return rows;
  }

  private static byte[][] entry(String name, String json) {
    return pair("\"" + name + "\"", json);
  }

  private static byte[][] pair(String key, String value) {
    return new byte[][] {
      key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)
    };
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    return Arrays.stream(record.headers().toArray())
        .filter(h -> h.key().equals(key))
        .reduce((first, second) -> second)
        .map(h -> new String(h.value(), StandardCharsets.UTF_8))
        .orElse(null);
  }

  /** A key format writing {@code T} as its text. */
  private static <T> Format<T> text(Function<T, String> encode, Function<String, T> decode) {
    return new Format<>() {
      @Override
      public byte[] encode(T value) {
        return encode.apply(value).getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public T decode(byte[] bytes) {
        return decode.apply(new String(bytes, StandardCharsets.UTF_8));
      }

      @Override
      public String name() {
        return "text";
      }
    };
  }
}
