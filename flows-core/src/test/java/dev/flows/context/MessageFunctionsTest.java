package dev.flows.context;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Column;
import dev.flows.DeadLetterHeaders;
import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.Flows;
import dev.flows.Headers;
import dev.flows.KeyValue;
import dev.flows.Lineage;
import dev.flows.Message;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.TableSpec;
import dev.flows.Topic;
import dev.flows.format.Formats;
import dev.flows.testing.FlowTestDriver;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code ...Message} variants of every kind: functions read a record's topic, partition,
 * offset, timestamp and headers, set an output's key, headers and timestamp, and route outputs to
 * declared topics chosen at run time.
 */
class MessageFunctionsTest {
  static final Topic<String, String> IN = topic("ctx-in", string(), string());
  static final Topic<String, String> OUT = topic("ctx-out", string(), string());
  static final Topic<String, String> EU = topic("ctx-eu", string(), string());
  static final Topic<String, String> US = topic("ctx-us", string(), string());
  static final Topic<String, String> ELSEWHERE = topic("ctx-elsewhere", string(), string());
  static final StateSpec<Long> COUNT = StateSpec.of("ctx_count", Formats.longs(), () -> 0L);

  static final long T0 = 1_700_000_000_000L;

  private static Headers region(String region) {
    return Headers.empty().with("region", region);
  }

  private static String header(Message<?, ?> message, String key) {
    return message.headers().lastString(key).orElse(null);
  }

  /** The first dead letter's reason. */
  private static String deadLetterReason(FlowTestDriver driver) {
    List<Message<byte[], byte[]>> dead = driver.deadLetters();
    assertEquals(1, dead.size(), "one dead letter");
    return new String(
        dead.get(0).headers().lastValue(DeadLetterHeaders.ERROR_MESSAGE).orElseThrow(),
        StandardCharsets.UTF_8);
  }

  @Test
  void shouldReadTheContextAndSetKeyHeadersAndTimestampWhenMapMessage() {
    Flow flow =
        Flows.stateless("test-ctx-map")
            .from(IN)
            .mapMessage(
                m ->
                    m.withKey(m.key() + "@" + m.topic() + "-" + m.partition() + "@" + m.offset())
                        .withValue(m.value() + " from " + header(m, "region"))
                        .withHeaders(m.headers().with("seen-at", Long.toString(m.timestamp())))
                        .withTimestamp(m.timestamp() + 1_000))
            .to(OUT);
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(IN).pipe("k", "apple", region("eu"), T0);

      Message<String, String> out = driver.output(OUT).readAll().get(0);
      assertEquals("k@ctx-in-0@0", out.key());
      assertEquals("apple from eu", out.value());
      assertEquals(T0 + 1_000, out.timestamp());
      assertEquals("eu", header(out, "region"), "the input's headers kept");
      assertEquals(Long.toString(T0), header(out, "seen-at"));
    }
  }

  @Test
  void shouldCarrySetHeadersAndTimestampThroughLaterPlainSteps() {
    Flow flow =
        Flows.stateless("test-ctx-chain")
            .from(IN)
            .mapMessage(m -> m.withHeaders(Headers.empty().with("x", "1")).withTimestamp(42L))
            .mapValues(v -> v + "!")
            .map((k, v) -> KeyValue.of(k + "2", v))
            .to(OUT);
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(IN).pipe("k", "a", region("eu"), T0);

      Message<String, String> out = driver.output(OUT).readAll().get(0);
      assertEquals(KeyValue.of("k2", "a!"), KeyValue.of(out.key(), out.value()));
      assertEquals(Headers.empty().with("x", "1"), out.headers(), "headers replaced, then kept");
      assertEquals(42L, out.timestamp());
    }
  }

  @Test
  void shouldKeepRecordsByTheirContextWhenFilterMessage() {
    Flow flow =
        Flows.stateless("test-ctx-filter")
            .from(IN)
            .filterMessage(m -> "eu".equals(header(m, "region")) && m.timestamp() >= T0)
            .to(OUT);
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(IN).pipe("a", "eu-new", region("eu"), T0);
      driver.input(IN).pipe("b", "us-new", region("us"), T0);
      driver.input(IN).pipe("c", "eu-old", region("eu"), T0 - 1);

      assertEquals(List.of("eu-new"), driver.output(OUT).readValues());
    }
  }

  @Test
  void shouldEmitEveryMessageWithItsOwnHeadersWhenFlatMapMessage() {
    Flow flow =
        Flows.stateless("test-ctx-flatmap")
            .from(IN)
            .flatMapMessage(
                m ->
                    List.of(
                        m.withHeaders(m.headers().with("part", "1")),
                        m.withValue(m.value().toUpperCase())
                            .withHeaders(m.headers().with("part", "2"))
                            .withTimestamp(7L)))
            .to(OUT);
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(IN).pipe("k", "a", region("eu"), T0);

      List<Message<String, String>> out = driver.output(OUT).readAll();
      assertEquals(List.of("a", "A"), out.stream().map(Message::value).toList());
      assertEquals(List.of("1", "2"), out.stream().map(m -> header(m, "part")).toList());
      assertEquals(List.of(T0, 7L), out.stream().map(Message::timestamp).toList());
    }
  }

  @Test
  void shouldRouteEachRecordToTheDeclaredTopicItsRouterChoosesWhenToAnyOf() {
    Flow flow =
        Flows.stateless("test-ctx-route")
            .from(IN)
            .toAnyOf(List.of(EU, US), m -> "us".equals(header(m, "region")) ? US : EU);
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(IN).pipe("a", "1", region("eu"));
      driver.input(IN).pipe("b", "2", region("us"));
      driver.input(IN).pipe("c", "3", region("eu"));

      assertEquals(List.of("1", "3"), driver.output(EU).readValues());
      assertEquals(List.of("2"), driver.output(US).readValues());
      assertTrue(flow.describe().text().contains("ctx-eu"), flow.describe().text());
      assertTrue(flow.describe().text().contains("ctx-us"), flow.describe().text());
      assertEquals(
          List.of("topic:ctx-eu", "topic:ctx-us"),
          Lineage.of(List.of(flow)).edges().stream()
              .filter(e -> e.kind() == Lineage.EdgeKind.OUTPUT)
              .map(Lineage.Edge::to)
              .toList(),
          "the lineage names every declared topic");
    }
  }

  @Test
  void shouldDeadLetterAtOnceARecordRoutedToATopicTheFlowDidNotDeclare() {
    int[] calls = {0};
    Flow flow =
        Flows.stateless("test-ctx-route-undeclared")
            .from(IN)
            .toAnyOf(
                List.of(EU, US),
                m -> {
                  calls[0]++;
                  return m.value().equals("bad") ? ELSEWHERE : EU;
                });
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(IN).pipe("a", "bad");
      driver.input(IN).pipe("b", "good");

      assertEquals(
          "the topic router returned topic ctx-elsewhere, which is not one of the topics given"
              + " to toAnyOf [ctx-eu, ctx-us]: declare every topic an output may go to in toAnyOf",
          deadLetterReason(driver));
      assertEquals(2, calls[0], "dead-lettered at the first try, not retried");
      assertEquals(List.of("good"), driver.output(EU).readValues());
      assertTrue(driver.output(ELSEWHERE).readValues().isEmpty());
    }
  }

  @Test
  void shouldRefuseToAnyOfWithoutTopicsOrWithATopicTwice() {
    FlowDefinitionException none =
        assertThrows(
            FlowDefinitionException.class,
            () -> Flows.stateless("test-ctx-none").from(IN).toAnyOf(List.of(), m -> EU));
    assertEquals(
        "toAnyOf declares no topic for flow test-ctx-none, got []: declare every topic an output"
            + " may go to, or end the flow with to(topic)",
        none.getMessage());

    FlowDefinitionException twice =
        assertThrows(
            FlowDefinitionException.class,
            () ->
                Flows.stateful("test-ctx-twice")
                    .from(IN)
                    .state(COUNT)
                    .apply((k, v, n) -> StateUpdate.<Long, String>keep())
                    .toAnyOf(List.of(EU, EU), m -> EU));
    assertEquals(
        "toAnyOf names a topic twice for flow test-ctx-twice, got 'ctx-eu': declare each output"
            + " topic once",
        twice.getMessage());
  }

  @Test
  void shouldDeadLetterARecordWhoseMapperSetsANegativeTimestamp() {
    Flow flow =
        Flows.stateless("test-ctx-negative-time")
            .from(IN)
            .mapMessage(m -> m.withTimestamp(-5))
            .to(OUT);
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(IN).pipe("a", "x");

      assertEquals(
          "a timestamp must be 0 or more milliseconds since the epoch, got -5",
          deadLetterReason(driver));
      assertTrue(driver.output(OUT).readValues().isEmpty());
    }
  }

  @Test
  void shouldDeadLetterARecordWhoseMapperReturnsNull() {
    Flow flow =
        Flows.stateless("test-ctx-null").from(IN).<String, String>mapMessage(m -> null).to(OUT);
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(IN).pipe("a", "x");

      assertEquals("the mapper returned null instead of a Message", deadLetterReason(driver));
    }
  }

  private static Flow statefulCount(String name) {
    return Flows.stateful(name)
        .from(IN)
        .state(COUNT)
        .applyMessage(
            (m, count) -> {
              long next = count + 1;
              return StateUpdate.set(
                  next,
                  m.withKey(header(m, "region"))
                      .withValue(m.key() + "=" + next + " at " + m.offset())
                      .withHeaders(m.headers().with("count", Long.toString(next)))
                      .withTimestamp(m.timestamp() + next));
            })
        .toAnyOf(List.of(EU, US), out -> out.key().equals("us") ? US : EU);
  }

  @Test
  void shouldGiveStatefulOutputsTheirOwnKeyHeadersTimestampAndTopicWhenApplyMessage() {
    try (FlowTestDriver driver = FlowTestDriver.of(statefulCount("test-ctx-stateful"))) {
      driver.input(IN).pipe("apple", "x", region("eu"), T0);
      driver.input(IN).pipe("apple", "y", region("us"), T0 + 10);

      Message<String, String> eu = driver.output(EU).readAll().get(0);
      assertEquals("eu", eu.key());
      assertEquals("apple=1 at 0", eu.value());
      assertEquals(T0 + 1, eu.timestamp());
      assertEquals("1", header(eu, "count"));
      Message<String, String> us = driver.output(US).readAll().get(0);
      assertEquals("us", us.key());
      assertEquals("apple=2 at 1", us.value());
      assertEquals(T0 + 12, us.timestamp());
      assertEquals(region("us").with("count", "2"), us.headers());
      assertEquals(2L, driver.state(COUNT, "apple").orElseThrow(), "state keyed by input key");
    }
  }

  @Test
  void shouldKeepTheStateWhenTheRouterOfAStatefulOutputChoosesAnUndeclaredTopic() {
    Flow flow =
        Flows.stateful("test-ctx-stateful-undeclared")
            .from(IN)
            .state(COUNT)
            .applyMessage((m, n) -> StateUpdate.set(n + 1, m))
            .toAnyOf(List.of(EU), out -> out.value().equals("bad") ? ELSEWHERE : EU);
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(IN).pipe("k", "ok");
      driver.input(IN).pipe("k", "bad");

      assertTrue(deadLetterReason(driver).contains("topic ctx-elsewhere, which is not one of"));
      assertEquals(List.of("ok"), driver.output(EU).readValues());
      assertEquals(1L, driver.state(COUNT, "k").orElseThrow(), "the bad record did not count");
    }
  }

  @Test
  void shouldKeepThePlainStateFunctionsOutputsKeyedAndStampedAsTheInput() {
    Flow flow =
        Flows.stateful("test-ctx-plain")
            .from(IN)
            .state(COUNT)
            .apply((k, v, n) -> StateUpdate.set(n + 1, v))
            .to(OUT);
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(IN).pipe("k", "v", region("eu"), T0);

      Message<String, String> out = driver.output(OUT).readAll().get(0);
      assertEquals("k", out.key());
      assertEquals(T0, out.timestamp());
      assertEquals(region("eu"), out.headers());
    }
  }

  @Test
  void shouldFoldEachRecordsContextWhenAggregateMessage() {
    Flow flow =
        Flows.collector("test-ctx-collect")
            .from(IN)
            .aggregateMessage(
                () -> "",
                (m, acc) ->
                    acc + header(m, "region") + "@" + m.offset() + "/" + m.timestamp() + " ")
            .collect((k, acc) -> acc.trim())
            .to(OUT);
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(IN).pipe("k", "x", region("eu"), T0); // one batch per pipe: one result per pipe
      driver.input(IN).pipe("k", "y", region("us"), T0 + 5);

      assertEquals(List.of("eu@0/" + T0, "us@1/" + (T0 + 5)), driver.output(OUT).readValues());
    }
  }

  static final TableSpec SEEN =
      TableSpec.of("ctx_seen", Column.text("word"))
          .withColumn(Column.text("region"))
          .withColumn(Column.bigint("seen_at"));

  @Test
  void shouldMapTheRecordsContextIntoItsRowWhenIntoByMessage() {
    Flow flow =
        Flows.materialise("test-ctx-into")
            .from(IN)
            .intoByMessage(
                SEEN, m -> Row.of("region", header(m, "region")).with("seen_at", m.timestamp()));
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(IN).pipe("apple", "x", region("eu"), T0);

      Row row = driver.table(SEEN).get("apple");
      assertEquals("eu", row.get("region"));
      assertEquals(T0, row.get("seen_at"));
    }
  }

  @Test
  void shouldMapTheRecordsContextIntoItsChangesWhenIntoRowsByMessage() {
    Flow flow =
        Flows.materialise("test-ctx-into-rows")
            .from(IN)
            .intoRowsByMessage(
                SEEN,
                m ->
                    RowChanges.of(
                        List.of(
                            Row.of("word", m.key() + "-" + m.offset())
                                .with("region", header(m, "region"))
                                .with("seen_at", m.timestamp()))));
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(IN).pipe("apple", "x", region("us"), T0);

      Row row = driver.table(SEEN).get("apple-0");
      assertEquals("us", row.get("region"));
      assertEquals(T0, row.get("seen_at"));
    }
  }
}
