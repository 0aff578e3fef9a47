package dev.flows;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.dsl.Aggregator;
import dev.flows.dsl.FlowStream;
import dev.flows.dsl.KeyValueMapper;
import dev.flows.dsl.MessageAggregator;
import dev.flows.dsl.MessageMapper;
import dev.flows.dsl.MessagePredicate;
import dev.flows.dsl.MessageStateFunction;
import dev.flows.dsl.OutputRouter;
import dev.flows.dsl.RecordPredicate;
import dev.flows.dsl.RowMapper;
import dev.flows.dsl.RowsMapper;
import dev.flows.dsl.SourceStream;
import dev.flows.dsl.Splitter;
import dev.flows.dsl.StateFunction;
import dev.flows.dsl.TimestampExtractor;
import dev.flows.dsl.TopicRouter;
import dev.flows.dsl.ValueMapper;
import dev.flows.format.Format;
import dev.flows.format.Formats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Compile-only proof that functional parameters are variant (STYLE rule 4): functions written for
 * super types of the inputs and returning sub types of the outputs are accepted as they are. If a
 * signature loses its {@code ? super} / {@code ? extends}, this class stops compiling.
 */
class VarianceTest {
  static final Topic<String, String> WORDS = topic("words", string(), string());
  static final Topic<CharSequence, CharSequence> TEXT = topic("text", chars(), chars());
  static final Topic<String, String> COUNTS = topic("counts", string(), string());

  // Written once for any input, reused everywhere.
  static final ValueMapper<Object, String> DESCRIBE = String::valueOf;
  static final RecordPredicate<Object, Object> NOT_NULL = (k, v) -> k != null && v != null;
  static final KeyValueMapper<Object, Object, KeyValue<String, String>> SWAP =
      (k, v) -> KeyValue.of(v.toString(), k.toString());
  static final KeyValueMapper<Object, Object, List<KeyValue<String, String>>> TWICE =
      (k, v) ->
          List.of(KeyValue.of(k.toString(), v.toString()), KeyValue.of(k.toString(), v.toString()));
  static final ValueMapper<Object, List<String>> LETTERS = v -> List.of(v.toString().split(""));

  static void expects(ValueMapper<? super String, ? extends CharSequence> mapper) {}

  @Test
  void shouldAcceptFunctionsOfSuperInputsAndSubOutputsWhenFlowsAreBuilt() {
    expects(DESCRIBE);

    SourceStream<String, String> words = Flows.stateless("test-variance-stateless").from(WORDS);
    FlowStream<String, CharSequence> described = words.<CharSequence>mapValues(DESCRIBE);
    FlowStream<CharSequence, CharSequence> swapped =
        described.filter(NOT_NULL).<CharSequence, CharSequence>map(SWAP);
    FlowStream<CharSequence, CharSequence> twice =
        swapped.<CharSequence, CharSequence>flatMap(TWICE);
    FlowStream<CharSequence, CharSequence> letters = twice.<CharSequence>flatMapValues(LETTERS);
    Flow stateless = letters.to(TEXT);

    Splitter<Object, Object, String, String, String, String> splitter =
        (k, v, out) -> out.first(k.toString(), v.toString());
    Flow split = Flows.stateless("test-variance-split").from(WORDS).split(WORDS, COUNTS, splitter);

    Supplier<Long> zero = () -> 0L;
    Aggregator<Object, Object, Long> countAny = (k, v, total) -> total + 1;
    KeyValueMapper<Object, Number, String> print = (k, total) -> k + "=" + total;
    Flow collector =
        Flows.collector("test-variance-collect")
            .from(WORDS)
            .aggregate(zero, countAny)
            .collect(print)
            .to(COUNTS);

    KeyValueMapper<Object, Object, String> anyKey = (k, v) -> String.valueOf(k);
    StateFunction<Object, Object, Long, String> count = (k, v, s) -> StateUpdate.set(s + 1, "n");
    OutputRouter<Object> router = output -> true;
    Supplier<Long> initial = () -> 0L;
    StateSpec<Long> state = StateSpec.of("count", Formats.longs(), initial);
    Flow stateful =
        Flows.stateful("test-variance-count")
            .from(WORDS)
            .stateKey(anyKey)
            .state(state)
            .apply(count)
            .split(COUNTS, WORDS, router);

    Join join =
        Flows.join("test-variance-join")
            .through("joined-mid")
            .state(state)
            .on(WORDS, anyKey, count)
            .on(COUNTS, anyKey, count)
            .to(COUNTS);

    assertEquals(
        List.of(
            FlowKind.STATELESS,
            FlowKind.STATELESS,
            FlowKind.COLLECTOR,
            FlowKind.STATEFUL,
            FlowKind.STATEFUL),
        List.of(
            stateless.kind(),
            split.kind(),
            collector.kind(),
            stateful.kind(),
            join.apply().kind()));
  }

  @Test
  void shouldAcceptFunctionsOfSuperInputsWhenWindowedFlowsAreBuilt() {
    TimestampExtractor<Object, Object> anyTime = (k, v, recordTime) -> recordTime;
    StateFunction<Object, Object, Long, String> count = (k, v, s) -> StateUpdate.set(s + 1, "n");
    Topic<Windowed<String>, String> windowCounts =
        topic("window-counts", Windowed.format(string()), string());

    Flow windowed =
        Flows.stateful("test-variance-window-count")
            .from(WORDS)
            .windowedBy(Windows.tumbling(Duration.ofMinutes(1)))
            .timestampFrom(anyTime)
            .state(StateSpec.of("count", Formats.longs(), () -> 0L))
            .apply(count)
            .to(windowCounts);

    assertEquals(FlowKind.STATEFUL, windowed.kind());
  }

  @Test
  void shouldAcceptMappersOfSuperInputsWhenMaterialiseFlowsAreBuilt() {
    TableSpec table = TableSpec.of("variance", Column.text("word")).withColumn(Column.text("text"));
    RowMapper<Object, Object> row = (k, v) -> Row.of("text", String.valueOf(v));
    RowsMapper<Object, Object> rows = (k, v) -> RowChanges.none();

    Flow one = Flows.materialise("test-variance-row").from(WORDS).into(table, row);
    Flow many = Flows.materialise("test-variance-rows").from(WORDS).intoRows(table, rows);

    assertEquals(
        List.of(FlowKind.MATERIALISE, FlowKind.MATERIALISE), List.of(one.kind(), many.kind()));
  }

  @Test
  void shouldAcceptMessageFunctionsOfSuperInputsAndSubOutputsWhenFlowsAreBuilt() {
    MessageMapper<Object, Object, Message<String, String>> stamp =
        m -> new Message<>(m.topic(), 0, 0, 1L, "k", String.valueOf(m.value()), m.headers());
    MessagePredicate<Object, Object> recent = m -> m.timestamp() > 0;
    MessageMapper<Object, Object, List<Message<String, String>>> both =
        m -> List.of(stamp.apply(m), stamp.apply(m));
    TopicRouter<Object, Object> first = m -> TEXT;
    Flow stateless =
        Flows.stateless("test-variance-messages")
            .from(WORDS)
            .filterMessage(recent)
            .<CharSequence, CharSequence>mapMessage(stamp)
            .<CharSequence, CharSequence>flatMapMessage(both)
            .toAnyOf(List.of(TEXT), first);

    MessageAggregator<Object, Object, Long> countAny = (m, total) -> total + 1;
    Flow collector =
        Flows.collector("test-variance-collect-messages")
            .from(WORDS)
            .aggregateMessage(() -> 0L, countAny)
            .collect((k, n) -> Long.toString(n))
            .to(COUNTS);

    TableSpec table = TableSpec.of("variance", Column.text("word")).withColumn(Column.text("text"));
    MessageMapper<Object, Object, Row> row = m -> Row.of("text", m.topic());
    MessageMapper<Object, Object, RowChanges> rows = m -> RowChanges.none();
    Flow one = Flows.materialise("test-variance-row-message").from(WORDS).intoByMessage(table, row);
    Flow many =
        Flows.materialise("test-variance-rows-message").from(WORDS).intoRowsByMessage(table, rows);

    MessageStateFunction<String, Object, Long, String> count =
        (m, n) -> StateUpdate.set(n + 1, m.withValue("n"));
    Flow stateful =
        Flows.stateful("test-variance-count-message")
            .from(WORDS)
            .state(StateSpec.of("count", Formats.longs(), () -> 0L))
            .applyMessage(count)
            .toAnyOf(List.of(COUNTS), first);

    assertEquals(
        List.of(
            FlowKind.STATELESS,
            FlowKind.COLLECTOR,
            FlowKind.MATERIALISE,
            FlowKind.MATERIALISE,
            FlowKind.STATEFUL),
        List.of(stateless.kind(), collector.kind(), one.kind(), many.kind(), stateful.kind()));
  }

  private static Format<CharSequence> chars() {
    return new Format<>() {
      @Override
      public byte[] encode(CharSequence value) {
        return value.toString().getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public CharSequence decode(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
      }

      @Override
      public String name() {
        return "chars";
      }
    };
  }
}
