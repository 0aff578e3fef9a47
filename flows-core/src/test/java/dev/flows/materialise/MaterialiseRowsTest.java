package dev.flows.materialise;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.json;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.DeadLetterHeaders;
import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.Flows;
import dev.flows.KeyValue;
import dev.flows.Message;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.Topic;
import dev.flows.testing.FlowTestDriver;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A materialise flow with many rows per record ({@code intoRows}): an order's lines in a table
 * keyed by (order_id, line_no), replaced by each record of the order and deleted by its tombstone.
 */
class MaterialiseRowsTest {
  record Line(int no, String sku, long qty, String at) {
    Line(int no, String sku, long qty) {
      this(no, sku, qty, null);
    }
  }

  record Order(List<Line> lines) {}

  static final Topic<String, Order> ORDERS = topic("orders", string(), json(Order.class));
  static final TableSpec LINES =
      TableSpec.of("order_lines", Column.text("order_id"), Column.integer("line_no"))
          .withColumn(Column.text("sku"))
          .withColumn(Column.bigint("qty"))
          .withColumn(Column.of("at", ColumnType.TIMESTAMPTZ))
          .withOffsetColumn("updated_offset");

  static Flow lines() {
    return Flows.materialise("test-order-lines")
        .from(ORDERS)
        .intoRows(
            LINES,
            (id, order) ->
                RowChanges.replace(
                    Row.of("order_id", id),
                    order == null
                        ? List.of()
                        : order.lines().stream().map(line -> row(id, line)).toList()));
  }

  @Test
  void shouldReplaceAnOrdersLinesAndDeleteThemOnATombstoneWhenLaterRecordsChangeThem() {
    try (FlowTestDriver driver = FlowTestDriver.of(lines())) {
      driver.input(ORDERS).pipe("o1", order(new Line(1, "tea", 1), new Line(2, "cake", 2)));
      driver.input(ORDERS).pipe("o2", order(new Line(1, "tea", 5)));

      driver
          .input(ORDERS)
          .pipeBatch(
              Arrays.asList(
                  KeyValue.of("o1", order(new Line(2, "cake", 3), new Line(3, "jam", 1))),
                  KeyValue.of("o2", null),
                  KeyValue.of("o3", order(new Line(1, "tea", 1))),
                  KeyValue.of("o1", order(new Line(2, "cake", 4), new Line(3, "jam", 1)))));

      assertEquals(
          Map.of(
              List.of("o1", 2), stored("o1", new Line(2, "cake", 4), 5),
              List.of("o1", 3), stored("o1", new Line(3, "jam", 1), 5),
              List.of("o3", 1), stored("o3", new Line(1, "tea", 1), 4)),
          driver.table(LINES));
    }
  }

  @Test
  void shouldDeadLetterTheRecordAndWriteNoneOfItsRowsWhenTheSinkRefusesOne() {
    String tooLate = "+300000-01-01T00:00:00Z";
    try (FlowTestDriver driver = FlowTestDriver.of(lines())) {
      driver.input(ORDERS).pipe("o1", order(new Line(1, "tea", 1)));

      driver
          .input(ORDERS)
          .pipeBatch(
              List.of(
                  KeyValue.of("o1", order(new Line(1, "tea", 2), new Line(2, "x", 1, tooLate))),
                  KeyValue.of("o2", order(new Line(1, "cake", 1)))));

      assertEquals(
          Map.of(
              List.of("o1", 1), stored("o1", new Line(1, "tea", 1), 0),
              List.of("o2", 1), stored("o2", new Line(1, "cake", 1), 2)),
          driver.table(LINES),
          "o1 keeps its line of offset 0: offset 1 was refused whole");
      List<Message<byte[], byte[]>> dead = driver.deadLetters();
      assertEquals(
          List.of("1"),
          dead.stream().map(m -> header(m, DeadLetterHeaders.SOURCE_OFFSET)).toList());
      assertEquals("store", header(dead.get(0), DeadLetterHeaders.ERROR_STAGE));
      assertTrue(
          header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE)
              .startsWith("column at timestamptz of table order_lines holds " + tooLate),
          header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE));
    }
  }

  @Test
  void shouldDeadLetterNamingTheProblemWhenChangesDoNotFitTheTable() {
    Topic<String, String> cases = topic("cases", string(), string());
    Row key = Row.of("order_id", "o1").with("line_no", 1);
    Flow flow =
        Flows.materialise("test-order-lines-cases")
            .from(cases)
            .intoRows(
                LINES,
                (id, kind) ->
                    switch (kind) {
                      case "key unset" -> RowChanges.of(List.of(Row.of("order_id", "o1")));
                      case "key null" -> RowChanges.of(List.of(key.with("line_no", null)));
                      case "unknown column" -> RowChanges.of(List.of(key.with("price", 3L)));
                      case "wrong type" -> RowChanges.of(List.of(key.with("line_no", 1L)));
                      case "delete part of the key" ->
                          RowChanges.none().withDelete(Row.of("order_id", "o1"));
                      case "delete-where a value column" ->
                          RowChanges.none().withDeleteWhere(Row.of("sku", "tea"));
                      case "delete-where nothing" ->
                          RowChanges.none().withDeleteWhere(new Row(Map.of()));
                      default -> null;
                    });
    List<String> kinds =
        List.of(
            "key unset",
            "key null",
            "unknown column",
            "wrong type",
            "delete part of the key",
            "delete-where a value column",
            "delete-where nothing",
            "null");
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      kinds.forEach(kind -> driver.input(cases).pipe("o1", kind));

      assertEquals(Map.of(), driver.table(LINES));
      List<String> messages =
          driver.deadLetters().stream()
              .map(m -> header(m, DeadLetterHeaders.ERROR_MESSAGE))
              .toList();
      assertEquals(
          List.of(
              "an upsert of table order_lines leaves primary key column line_no integer unset;"
                  + " give every key column a value",
              "an upsert of table order_lines leaves primary key column line_no integer null;"
                  + " give every key column a value",
              "the row sets column 'price', which is not a mapped column of table order_lines"
                  + " (mapped columns: [order_id, line_no, sku, qty, at]; the offset and source"
                  + " columns are set by the flow)",
              "column line_no integer of table order_lines takes a Integer, got Long",
              "a delete of table order_lines leaves primary key column line_no integer unset; a"
                  + " delete gives every key column (withDeleteWhere deletes by some of them)",
              "a delete-where of table order_lines names column 'sku', which is not a primary key"
                  + " column (key: [order_id, line_no]); deletes match key columns only",
              "a delete-where of table order_lines names no column; give one or more key columns,"
                  + " each a value (null matches no row)",
              "the rows mapper returned null; return RowChanges.none() for no change"),
          messages);
      driver
          .deadLetters()
          .forEach(m -> assertEquals("process", header(m, DeadLetterHeaders.ERROR_STAGE)));
    }
  }

  @Test
  void shouldFailAtBuildNamingIntoRowsWhenIntoIsGivenAKeyOfSeveralColumns() {
    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class,
            () ->
                Flows.materialise("test-order-lines-into")
                    .from(ORDERS)
                    .into(LINES, (id, order) -> Row.of("sku", "x")));

    assertEquals(
        "table of materialise flow test-order-lines-into has a primary key of 2 columns, but"
            + " into() writes the record key as the one key column, got 'order_lines': end the"
            + " flow with intoRows(table, mapper), whose rows carry every key column",
        e.getMessage());
  }

  @Test
  void shouldDescribeTheKeyColumnsWhenBuilt() {
    String text = lines().describe().text();

    assertTrue(
        text.contains(
            "  upsert into table order_lines [order_id text, line_no integer, sku text, qty bigint,"
                + " at timestamptz, updated_offset bigint, source_partition integer,"
                + " source_generation integer] key order_id, line_no, newer offsets per source"
                + " partition only\n"),
        text);
  }

  private static Order order(Line... lines) {
    return new Order(List.of(lines));
  }

  private static Row row(String id, Line line) {
    return Row.of("order_id", id)
        .with("line_no", line.no())
        .with("sku", line.sku())
        .with("qty", line.qty())
        .with("at", line.at() == null ? null : Instant.parse(line.at()));
  }

  /** The line as the table holds it, written by the record at {@code offset} of partition 0. */
  private static Row stored(String id, Line line, long offset) {
    return row(id, line)
        .with("updated_offset", offset)
        .with("source_partition", 0)
        .with("source_generation", 0);
  }

  private static String header(Message<byte[], byte[]> message, String key) {
    return message
        .headers()
        .lastValue(key)
        .map(v -> new String(v, StandardCharsets.UTF_8))
        .orElse(null);
  }
}
