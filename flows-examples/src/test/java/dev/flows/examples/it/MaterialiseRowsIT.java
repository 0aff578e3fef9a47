package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.json;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Column;
import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.Topic;
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
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Many rows per record on the real broker and PostgreSQL: orders (key: the order id, value: its
 * lines) materialised into {@code (order_id, line_no)}, each record replacing its order's lines,
 * later records adding, changing and removing lines, tombstones deleting orders. The table holds
 * each order's last lines; a replay from the earliest offset leaves it exactly as it was, deleted
 * markers included, and rewrites no row.
 */
@FlowsServices
class MaterialiseRowsIT {
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final int ORDERS = 300;
  private static final int RECORDS = 2_000;

  record Line(int no, String sku, long qty) {}

  record Order(List<Line> lines) {}

  private final Topic<String, Order> orders =
      topic("it-materialise-orders", string(), json(Order.class));
  private final TableSpec table =
      TableSpec.of("it_order_lines", Column.text("order_id"), Column.integer("line_no"))
          .withColumn(Column.text("sku"))
          .withColumn(Column.bigint("qty"))
          .withOffsetColumn("updated_offset");
  private final Flow flow =
      lines("it-materialise-order-lines", FlowOptions.defaults().withMaxRecords(40), orders, table);

  /**
   * Each order's lines replace those it had; a tombstone deletes them all. Small batches, so an
   * order's records span several, in the first run and in the replay.
   */
  static Flow lines(
      String name, FlowOptions options, Topic<String, Order> orders, TableSpec table) {
    return Flows.materialise(name, options)
        .from(orders)
        .intoRows(
            table,
            (orderId, order) ->
                RowChanges.replace(
                    Row.of("order_id", orderId),
                    order == null
                        ? List.of()
                        : order.lines().stream()
                            .map(
                                line ->
                                    Row.of("order_id", orderId)
                                        .with("line_no", line.no())
                                        .with("sku", line.sku())
                                        .with("qty", line.qty()))
                            .toList()));
  }

  @Test
  void shouldHoldEachOrdersLastLinesWhenRecordsChangeThemAndTheTopicIsReplayed(
      TestKafka kafka, TestPostgres postgres) {
    kafka.createTopic(orders.name(), 3);
    kafka.createTopic(flow.deadLetterTopic(), 1);
    postgres.execute("DROP TABLE IF EXISTS " + table.name());
    Map<List<Object>, List<Object>> expected = produce(kafka);
    try (PostgresTableSink sink =
        PostgresTableSink.create(postgres.jdbcUrl(), postgres.user(), postgres.password())) {
      runUntilCommitted(kafka, sink);
      assertEquals(expected, read(postgres, "sku, qty", "NOT deleted"));
      Map<List<Object>, List<Object>> written =
          read(
              postgres,
              "sku, qty, updated_offset, source_partition, source_generation, deleted, xmin::text",
              "true");
      assertTrue(written.size() > expected.size(), "lines removed and orders deleted left markers");

      kafka.deleteGroups(List.of(flow.name()));
      runUntilCommitted(kafka, sink);

      assertEquals(
          written,
          read(
              postgres,
              "sku, qty, updated_offset, source_partition, source_generation, deleted, xmin::text",
              "true"),
          "the replay from earliest left every row and marker as it was, and rewrote none");
    }
    assertEquals(0, kafka.endOffsetsSum(flow.deadLetterTopic()), "nothing dead-lettered");
  }

  /**
   * {@value #RECORDS} records of {@value #ORDERS} orders, each a random set of lines 1 to 5 (some
   * changed, some gone since the order's last record), one in twelve a tombstone; returns the lines
   * the table must hold, {@code (order_id, line_no) -> (sku, qty)}.
   */
  private Map<List<Object>, List<Object>> produce(TestKafka kafka) {
    Random random = new Random(14);
    List<byte[][]> records = new ArrayList<>(RECORDS);
    Map<String, List<Line>> last = new HashMap<>();
    for (int i = 0; i < RECORDS; i++) {
      String id = "order-" + random.nextInt(ORDERS);
      if (random.nextInt(12) == 0) {
        records.add(new byte[][] {bytes(id), null});
        last.remove(id);
        continue;
      }
      List<Line> lines = new ArrayList<>();
      for (int no = 1; no <= 5; no++) {
        if (random.nextInt(3) > 0) {
          lines.add(new Line(no, "sku-" + random.nextInt(4), i));
        }
      }
      records.add(new byte[][] {bytes(id), orders.valueFormat().encode(new Order(lines))});
      last.put(id, lines);
    }
    kafka.produce(orders.name(), records);
    Map<List<Object>, List<Object>> expected = new HashMap<>();
    last.forEach(
        (id, lines) ->
            lines.forEach(
                line -> expected.put(List.of(id, line.no()), List.of(line.sku(), line.qty()))));
    return expected;
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
              kafka.committedOffsets(flow.name(), orders.name()).values().stream()
                      .mapToLong(Long::longValue)
                      .sum()
                  >= RECORDS);
    }
  }

  /** {@code (order_id, line_no) -> columns} of every row matching {@code where}. */
  private Map<List<Object>, List<Object>> read(
      TestPostgres postgres, String columns, String where) {
    Map<List<Object>, List<Object>> rows = new HashMap<>();
    try (Connection c = postgres.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT order_id, line_no, "
                    + columns
                    + " FROM "
                    + table.name()
                    + " WHERE "
                    + where)) {
      int count = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> values = new ArrayList<>();
        for (int i = 3; i <= count; i++) {
          values.add(rs.getObject(i));
        }
        rows.put(List.of(rs.getString(1), rs.getInt(2)), values);
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
