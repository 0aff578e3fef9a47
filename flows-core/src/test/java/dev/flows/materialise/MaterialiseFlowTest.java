package dev.flows.materialise;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.json;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Column;
import dev.flows.DeadLetterHeaders;
import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.FlowKind;
import dev.flows.Flows;
import dev.flows.KeyValue;
import dev.flows.Message;
import dev.flows.Row;
import dev.flows.TableSpec;
import dev.flows.Topic;
import dev.flows.runtime.FlowRuntime;
import dev.flows.spi.Connector;
import dev.flows.spi.Sink;
import dev.flows.spi.Source;
import dev.flows.testing.FlowTestDriver;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaterialiseFlowTest {
  record Price(String currency, long cents) {}

  static final Topic<String, Price> PRICES = topic("prices", string(), json(Price.class));
  static final TableSpec TABLE =
      TableSpec.of("prices", Column.text("product"))
          .withColumn(Column.text("currency"))
          .withColumn(Column.bigint("cents"))
          .withOffsetColumn("updated_offset");

  static Flow materialise() {
    return Flows.materialise("test-prices-materialise")
        .from(PRICES)
        .into(
            TABLE,
            (product, price) -> {
              if (price.cents() < 0) {
                throw new IllegalArgumentException("negative price for " + product);
              }
              return Row.of("currency", price.currency()).with("cents", price.cents());
            });
  }

  @Test
  void shouldKeepTheLastRowPerKeyWhenABatchRepeatsKeys() {
    try (FlowTestDriver driver = FlowTestDriver.of(materialise())) {
      driver
          .input(PRICES)
          .pipeBatch(
              List.of(
                  KeyValue.of("tea", new Price("EUR", 300)),
                  KeyValue.of("cake", new Price("EUR", 450)),
                  KeyValue.of("tea", new Price("USD", 320))));

      assertEquals(
          Map.of(
              "tea",
                  Row.of("product", "tea")
                      .with("currency", "USD")
                      .with("cents", 320L)
                      .with("updated_offset", 2L)
                      .with("source_partition", 0)
                      .with("source_generation", 0),
              "cake",
                  Row.of("product", "cake")
                      .with("currency", "EUR")
                      .with("cents", 450L)
                      .with("updated_offset", 1L)
                      .with("source_partition", 0)
                      .with("source_generation", 0)),
          driver.table(TABLE));
    }
  }

  @Test
  void shouldDeleteTheRowWhenATombstoneArrives() {
    try (FlowTestDriver driver = FlowTestDriver.of(materialise())) {
      driver.input(PRICES).pipe("tea", new Price("EUR", 300));
      driver.input(PRICES).pipe("cake", new Price("EUR", 450));

      driver
          .input(PRICES)
          .pipeBatch(
              Arrays.asList(
                  KeyValue.of("tea", null),
                  KeyValue.of("cake", new Price("EUR", 1)),
                  KeyValue.of("cake", null)));

      assertEquals(Map.of(), driver.table(TABLE));
    }
  }

  @Test
  void shouldDeadLetterAndWriteTheRestWhenOneRecordFails() {
    try (FlowTestDriver driver = FlowTestDriver.of(materialise())) {
      driver
          .input(PRICES)
          .pipeBatch(
              List.of(
                  KeyValue.of("tea", new Price("EUR", 300)),
                  KeyValue.of("bad", new Price("EUR", -1))));
      driver
          .input(PRICES)
          .pipeRaw(
              "cake".getBytes(StandardCharsets.UTF_8), "not json".getBytes(StandardCharsets.UTF_8));
      driver.input(PRICES).pipe(null, new Price("EUR", 1));

      assertEquals(List.of("tea"), List.copyOf(driver.table(TABLE).keySet()));
      List<Message<byte[], byte[]>> dead = driver.deadLetters();
      assertEquals(
          List.of("process", "decode", "process"),
          dead.stream().map(m -> header(m, DeadLetterHeaders.ERROR_STAGE)).toList());
      assertEquals("negative price for bad", header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE));
      assertTrue(
          header(dead.get(2), DeadLetterHeaders.ERROR_MESSAGE).contains("primary key product text"),
          header(dead.get(2), DeadLetterHeaders.ERROR_MESSAGE));
    }
  }

  @Test
  void shouldDeadLetterWithTheColumnNamedWhenARowDoesNotFitTheTable() {
    Flow wrongType =
        Flows.materialise("test-prices-wrong-type")
            .from(PRICES)
            .into(TABLE, (p, price) -> Row.of("cents", (int) price.cents()));
    Flow unknown =
        Flows.materialise("test-prices-unknown")
            .from(PRICES)
            .into(TABLE, (p, price) -> Row.of("euros", price.cents()));
    Flow setsKey =
        Flows.materialise("test-prices-sets-key")
            .from(PRICES)
            .into(TABLE, (p, price) -> Row.of("product", p));
    try (FlowTestDriver driver = FlowTestDriver.of(wrongType, unknown, setsKey)) {
      driver.input(PRICES).pipe("tea", new Price("EUR", 300));

      assertEquals(Map.of(), driver.table(TABLE));
      List<String> messages =
          driver.deadLetters().stream()
              .map(m -> header(m, DeadLetterHeaders.ERROR_MESSAGE))
              .toList();
      assertEquals(3, messages.size(), messages.toString());
      assertTrue(
          messages
              .get(0)
              .startsWith("column cents bigint of table prices takes a Long, got Integer"),
          messages.get(0));
      assertTrue(
          messages.get(1).startsWith("the row sets column 'euros', which is not a mapped column"),
          messages.get(1));
      assertTrue(messages.get(2).startsWith("the row sets column 'product'"), messages.get(2));
    }
  }

  @Test
  void shouldFailAtBuildNamingTheTableSinkWhenTheRuntimeHasNone() {
    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class,
            () -> FlowRuntime.builder(materialise()).connector(new NoConnector()).build());

    assertEquals(
        "tableSink is missing for materialise flow test-prices-materialise, got null: "
            + "call .tableSink(PostgresTableSink.create(...)) or .tableSink(InMemoryTableSink.create())",
        e.getMessage());
  }

  @Test
  void shouldDescribeTheTableAndItsGuardWhenBuilt() {
    Flow flow = materialise();

    assertEquals(FlowKind.MATERIALISE, flow.kind());
    assertEquals(List.of(), flow.outputs());
    assertTrue(
        flow.describe()
            .text()
            .contains(
                "  upsert into table prices [product text, currency text, cents bigint, updated_offset bigint, source_partition integer, source_generation integer] key product, newer offsets per source partition only\n"),
        flow.describe().text());
  }

  @Test
  void shouldRejectUnsafeNamesWhenTheTableIsSpecified() {
    assertThrows(
        FlowDefinitionException.class, () -> TableSpec.of("Prices", Column.text("product")));
    assertThrows(FlowDefinitionException.class, () -> Column.text("drop table x"));
    FlowDefinitionException twice =
        assertThrows(
            FlowDefinitionException.class,
            () ->
                TableSpec.of("prices", Column.text("product")).withColumn(Column.text("product")));
    assertEquals(
        "column is named twice in table prices, got 'product': name each column once",
        twice.getMessage());
    assertThrows(FlowDefinitionException.class, () -> TABLE.withOffsetColumn("cents"));
  }

  private static String header(Message<byte[], byte[]> message, String key) {
    return message
        .headers()
        .lastValue(key)
        .map(v -> new String(v, StandardCharsets.UTF_8))
        .orElse(null);
  }

  /** Never asked for a source or sink: the build fails first. */
  private static final class NoConnector implements Connector {
    @Override
    public Source source(String group, String clientId) {
      throw new AssertionError("not expected");
    }

    @Override
    public Sink sink(String clientId) {
      throw new AssertionError("not expected");
    }
  }
}
