package dev.flows.materialise;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.bytes;
import static dev.flows.format.Formats.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.DeadLetterHeaders;
import dev.flows.ErrorPolicy;
import dev.flows.Flow;
import dev.flows.FlowFailedException;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.KeyValue;
import dev.flows.Message;
import dev.flows.Row;
import dev.flows.TableSpec;
import dev.flows.Topic;
import dev.flows.format.Format;
import dev.flows.testing.FlowTestDriver;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Values PostgreSQL would refuse or change: the runtime canonicalises what it can (Instants to
 * microseconds, {@code -0.0} to {@code 0.0}), fails records whose text cannot be stored faithfully,
 * and dead-letters the records the table sink refused, falling back to each key's previous change
 * in the batch.
 */
class MaterialisePoisonTest {
  record Entry(String note, String doc, String at, Double ratio) {}

  static final Topic<String, Entry> ENTRIES =
      topic("entries", json(String.class), json(Entry.class));

  /** The same topic, written as raw JSON text so that escapes reach the decoder as written. */
  static final Topic<byte[], byte[]> RAW_ENTRIES = topic("entries", bytes(), bytes());

  static final TableSpec TABLE =
      TableSpec.of("entries", Column.text("name"))
          .withColumn(Column.text("note"))
          .withColumn(Column.of("doc", ColumnType.JSONB))
          .withColumn(Column.of("at", ColumnType.TIMESTAMPTZ))
          .withColumn(Column.of("ratio", ColumnType.DOUBLE))
          .withOffsetColumn("updated_offset");

  static Flow entries(FlowOptions options) {
    return Flows.materialise("test-entries-materialise", options)
        .from(ENTRIES)
        .into(
            TABLE,
            (name, e) ->
                Row.of("note", e.note())
                    .with("doc", e.doc())
                    .with("at", e.at() == null ? null : Instant.parse(e.at()))
                    .with("ratio", e.ratio()));
  }

  @Test
  void shouldDeadLetterTheRecordNamingTheColumnWhenTextCannotBeStoredFaithfully() {
    try (FlowTestDriver driver = FlowTestDriver.of(entries(FlowOptions.defaults()))) {
      driver
          .input(RAW_ENTRIES)
          .pipeBatch(
              List.of(
                  raw("ok", "{\"note\": \"fine\"}"),
                  raw("nul", "{\"note\": \"a\\u0000b\"}"),
                  raw("lone", "{\"note\": \"a\\ud800b\"}"),
                  raw("doc", "{\"doc\": \"{\\\"a\\\": \\\"\\udc00\\\"}\"}"),
                  raw("k\\ud800", "{\"note\": \"fine\"}")));

      assertEquals(Set.of("ok"), driver.table(TABLE).keySet());
      List<String> messages = messages(driver.deadLetters(), "process");
      assertEquals(4, messages.size(), messages.toString());
      assertStartsWith(
          "column note text of table entries holds U+0000 at index 1", messages.get(0));
      assertStartsWith(
          "column note text of table entries holds an unpaired surrogate U+D800 at index 1",
          messages.get(1));
      assertStartsWith(
          "column doc jsonb of table entries holds an unpaired surrogate U+DC00 at index 7",
          messages.get(2));
      assertStartsWith(
          "the record key is the primary key name text of table entries and holds an unpaired"
              + " surrogate U+D800 at index 1",
          messages.get(3));
    }
  }

  @Test
  void shouldStoreInstantsToTheMicrosecondAndZeroWithoutSignWhenValuesArePreciserThanPostgres() {
    try (FlowTestDriver driver = FlowTestDriver.of(entries(FlowOptions.defaults()))) {
      driver
          .input(ENTRIES)
          .pipe("a", new Entry(null, null, "2024-01-01T00:00:00.123456789Z", -0.0));

      Row stored = driver.table(TABLE).get("a");
      assertEquals(Instant.parse("2024-01-01T00:00:00.123456Z"), stored.get("at"));
      assertEquals(0L, Double.doubleToRawLongBits((Double) stored.get("ratio")), "0.0, not -0.0");
    }
  }

  @Test
  void shouldKeepTheLastRecordWhenInstantKeysAreEqualToTheMicrosecond() {
    TableSpec table =
        TableSpec.of("instants", Column.of("at", ColumnType.TIMESTAMPTZ))
            .withColumn(Column.text("note"));
    Topic<Instant, String> times =
        topic("times", text("instant", Instant::toString, Instant::parse), json(String.class));
    Flow flow =
        Flows.materialise("test-instants-materialise")
            .from(times)
            .into(table, (at, note) -> Row.of("note", note));
    Instant at = Instant.parse("2024-05-06T07:08:09.123456Z");
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver
          .input(times)
          .pipeBatch(
              List.of(
                  KeyValue.of(at.plusNanos(100), "first"),
                  KeyValue.of(at.plusSeconds(1), "other"),
                  KeyValue.of(at.plusNanos(900), "last")));

      assertEquals(
          Map.of(
              at,
              Row.of("at", at).with("note", "last"),
              at.plusSeconds(1),
              Row.of("at", at.plusSeconds(1)).with("note", "other")),
          driver.table(table));
    }
  }

  @Test
  void shouldKeepTheLastRecordWhenDoubleKeysAreZeroesOfOppositeSign() {
    TableSpec table =
        TableSpec.of("ratios", Column.of("x", ColumnType.DOUBLE)).withColumn(Column.text("note"));
    Topic<Double, String> ratios =
        topic(
            "ratios", text("double", d -> Double.toString(d), Double::valueOf), json(String.class));
    Flow flow =
        Flows.materialise("test-ratios-materialise")
            .from(ratios)
            .into(table, (x, note) -> Row.of("note", note));
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver
          .input(ratios)
          .pipeBatch(List.of(KeyValue.of(0.0, "positive"), KeyValue.of(-0.0, "negative")));

      assertEquals(Map.of(0.0, Row.of("x", 0.0).with("note", "negative")), driver.table(table));
    }
  }

  @Test
  void shouldFallBackToTheKeysPreviousChangeWhenTheSinkRefusesItsLastRow() {
    String tooLate = "+300000-01-01T00:00:00Z";
    try (FlowTestDriver driver = FlowTestDriver.of(entries(FlowOptions.defaults()))) {
      driver
          .input(ENTRIES)
          .pipeBatch(
              List.of(KeyValue.of("b", note("stored b")), KeyValue.of("c", note("stored c"))));

      driver
          .input(ENTRIES)
          .pipeBatch(
              Arrays.asList(
                  KeyValue.of("a", note("a1")), // offset 2
                  KeyValue.of("b", note("b1")),
                  KeyValue.of("a", at(tooLate)), // refused: a falls back to a1
                  KeyValue.of("b", null), // b's tombstone
                  KeyValue.of("c", at(tooLate)), // refused, nothing to fall back to: c stays
                  KeyValue.of("d", note("d1")), // offset 7
                  KeyValue.of("e", note("e1")),
                  KeyValue.of("e", at(tooLate)),
                  KeyValue.of("b", at(tooLate)), // refused: b falls back to its tombstone
                  KeyValue.of("e", at("-5000-01-01T00:00:00Z")))); // refused twice: e1

      Map<Object, Row> rows = driver.table(TABLE);
      assertEquals(Set.of("a", "c", "d", "e"), rows.keySet());
      assertEquals(List.of("a1", 2L), noteAndOffset(rows.get("a")));
      assertEquals(List.of("stored c", 1L), noteAndOffset(rows.get("c")));
      assertEquals(List.of("d1", 7L), noteAndOffset(rows.get("d")));
      assertEquals(List.of("e1", 8L), noteAndOffset(rows.get("e")));
      List<Message<byte[], byte[]>> dead = driver.deadLetters();
      assertEquals(
          List.of(4L, 6L, 10L, 11L, 9L),
          dead.stream()
              .map(m -> Long.parseLong(header(m, DeadLetterHeaders.SOURCE_OFFSET)))
              .toList());
      dead.forEach(m -> assertEquals("store", header(m, DeadLetterHeaders.ERROR_STAGE)));
      assertStartsWith(
          "column at timestamptz of table entries holds +300000-01-01T00:00:00Z, out of range",
          header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE));
    }
  }

  @Test
  void shouldStopTheFlowWhenTheSinkRefusesARowUnderFailFast() {
    Flow flow = entries(FlowOptions.defaults().withErrorPolicy(ErrorPolicy.failFast()));
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      FlowFailedException e =
          assertThrows(
              FlowFailedException.class,
              () -> driver.input(ENTRIES).pipe("a", at("+300000-01-01T00:00:00Z")));

      assertTrue(e.getMessage().contains("out of range"), e.getMessage());
      assertEquals(List.of(), driver.deadLetters());
    }
  }

  private static Entry note(String note) {
    return new Entry(note, null, null, null);
  }

  private static Entry at(String at) {
    return new Entry("at " + at, null, at, null);
  }

  private static KeyValue<byte[], byte[]> raw(String jsonKey, String jsonValue) {
    return KeyValue.of(
        ("\"" + jsonKey + "\"").getBytes(StandardCharsets.UTF_8),
        jsonValue.getBytes(StandardCharsets.UTF_8));
  }

  private static List<Object> noteAndOffset(Row row) {
    return List.of(row.get("note"), row.get("updated_offset"));
  }

  private static List<String> messages(List<Message<byte[], byte[]>> dead, String stage) {
    List<String> messages = new ArrayList<>();
    for (Message<byte[], byte[]> m : dead) {
      assertEquals(stage, header(m, DeadLetterHeaders.ERROR_STAGE));
      messages.add(header(m, DeadLetterHeaders.ERROR_MESSAGE));
    }
    return messages;
  }

  private static void assertStartsWith(String prefix, String actual) {
    assertTrue(actual != null && actual.startsWith(prefix), actual);
  }

  private static String header(Message<byte[], byte[]> message, String key) {
    return message
        .headers()
        .lastValue(key)
        .map(v -> new String(v, StandardCharsets.UTF_8))
        .orElse(null);
  }

  /** A key format writing {@code T} as its text. */
  private static <T> Format<T> text(
      String name, Function<T, String> encode, Function<String, T> decode) {
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
        return name;
      }
    };
  }
}
