package dev.flows.stateless;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.json;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.DeadLetterHeaders;
import dev.flows.ErrorPolicy;
import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.FlowFailedException;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.FormatException;
import dev.flows.Headers;
import dev.flows.KeyValue;
import dev.flows.Message;
import dev.flows.Topic;
import dev.flows.dsl.ValueMapper;
import dev.flows.testing.FlowTestDriver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class StatelessFlowTest {
  record Order(String id, int quantity) {}

  static final Topic<String, String> WORDS = topic("words", string(), string());
  static final Topic<String, String> MORE_WORDS = topic("more-words", string(), string());
  static final Topic<String, String> OUT = topic("words-out", string(), string());
  static final Topic<String, Integer> LENGTHS =
      topic("word-lengths", string(), json(Integer.class));
  static final Topic<String, Order> ORDERS = topic("orders", string(), json(Order.class));

  static final String NAME = "test-words-remap";

  private static Flow remap(ValueMapper<String, String> mapper) {
    return Flows.stateless(NAME).from(WORDS).mapValues(mapper).to(OUT);
  }

  @Test
  void shouldMapEachValueAndKeepTheKeyWhenMapValues() {
    try (FlowTestDriver driver = FlowTestDriver.of(remap(v -> v + " updated"))) {
      driver
          .input(WORDS)
          .pipeBatch(List.of(KeyValue.of("k1", "apple"), KeyValue.of("k2", "pizza")));

      assertEquals(
          List.of(KeyValue.of("k1", "apple updated"), KeyValue.of("k2", "pizza updated")),
          driver.output(OUT).readKeyValues());
      assertEquals(List.of(), driver.deadLetters());
    }
  }

  @Test
  void shouldChangeKeyAndValueTypesWhenMap() {
    Flow flow =
        Flows.stateless(NAME).from(WORDS).map((k, v) -> KeyValue.of(v, k.length())).to(LENGTHS);

    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(WORDS).pipe("four", "apple");

      assertEquals(List.of(KeyValue.of("apple", 4)), driver.output(LENGTHS).readKeyValues());
    }
  }

  @Test
  void shouldKeepOnlyMatchingRecordsWhenFilter() {
    Flow flow = Flows.stateless(NAME).from(WORDS).filter((k, v) -> !v.startsWith("x")).to(OUT);

    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver
          .input(WORDS)
          .pipeBatch(
              List.of(
                  KeyValue.of("1", "apple"),
                  KeyValue.of("2", "xylophone"),
                  KeyValue.of("3", "pizza")));

      assertEquals(List.of("apple", "pizza"), driver.output(OUT).readValues());
    }
  }

  @Test
  void shouldEmitZeroOrMoreRecordsWithNewKeysWhenFlatMap() {
    Flow flow =
        Flows.stateless(NAME)
            .from(WORDS)
            .flatMap(
                (k, v) ->
                    v.isEmpty()
                        ? List.<KeyValue<String, String>>of()
                        : Arrays.stream(v.split(" ")).map(w -> KeyValue.of(w, k)).toList())
            .to(OUT);

    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver
          .input(WORDS)
          .pipeBatch(
              List.of(
                  KeyValue.of("s1", "red apple"),
                  KeyValue.of("s2", ""),
                  KeyValue.of("s3", "pizza")));

      assertEquals(
          List.of(KeyValue.of("red", "s1"), KeyValue.of("apple", "s1"), KeyValue.of("pizza", "s3")),
          driver.output(OUT).readKeyValues());
    }
  }

  @Test
  void shouldEmitEachValueUnderTheSameKeyWhenFlatMapValues() {
    Flow flow =
        Flows.stateless(NAME).from(WORDS).flatMapValues(v -> Arrays.asList(v.split(","))).to(OUT);

    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(WORDS).pipe("k", "a,b,c");

      assertEquals(
          List.of(KeyValue.of("k", "a"), KeyValue.of("k", "b"), KeyValue.of("k", "c")),
          driver.output(OUT).readKeyValues());
    }
  }

  @Test
  void shouldRunRecordsOfEveryMergedTopicThroughTheSameStepsWhenMerge() {
    Flow flow =
        Flows.stateless(NAME).from(WORDS).merge(MORE_WORDS).mapValues(String::toUpperCase).to(OUT);

    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(WORDS).pipe("1", "apple");
      driver.input(MORE_WORDS).pipe("2", "pizza");

      assertEquals(List.of("APPLE", "PIZZA"), driver.output(OUT).readValues());
      assertEquals(List.of(WORDS, MORE_WORDS), flow.inputs());
    }
  }

  @Test
  void shouldRejectTheTopicAndNameTheFixWhenMergedTwice() {
    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class, () -> Flows.stateless(NAME).from(WORDS).merge(WORDS));

    assertEquals(
        "merge is already an input of test-words-remap, got 'words': merge each topic once",
        e.getMessage());
  }

  @Test
  void shouldWriteZeroOrMoreRecordsToEachTypedTopicWhenSplit() {
    Flow flow =
        Flows.stateless(NAME)
            .from(WORDS)
            .split(
                OUT,
                LENGTHS,
                (k, v, out) -> {
                  if (v.length() > 4) {
                    out.first(k, v);
                  }
                  out.second(v, v.length());
                  out.second(v + "!", v.length() + 1);
                });

    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(WORDS).pipeBatch(List.of(KeyValue.of("1", "apple"), KeyValue.of("2", "fig")));

      assertEquals(List.of(KeyValue.of("1", "apple")), driver.output(OUT).readKeyValues());
      assertEquals(
          List.of(
              KeyValue.of("apple", 5),
              KeyValue.of("apple!", 6),
              KeyValue.of("fig", 3),
              KeyValue.of("fig!", 4)),
          driver.output(LENGTHS).readKeyValues());
      assertEquals(List.of(OUT, LENGTHS), flow.outputs());
    }
  }

  @Test
  void shouldCallTheBatchFunctionOncePerBatchInOffsetOrderWhenBatch() {
    List<List<Long>> calls = new ArrayList<>();
    Flow flow =
        Flows.stateless(NAME)
            .from(WORDS)
            .<String, String>batch(
                records -> {
                  calls.add(records.stream().map(Message::offset).toList());
                  return records.stream()
                      .map(m -> KeyValue.of(m.key(), m.value() + "@" + m.offset()))
                      .toList();
                })
            .mapValues(String::toUpperCase)
            .to(OUT);

    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver
          .input(WORDS)
          .pipeBatch(List.of(KeyValue.of("a", "x"), KeyValue.of("b", "y"), KeyValue.of("a", "z")));
      driver.input(WORDS).pipe("c", "w");

      assertEquals(List.of(List.of(0L, 1L, 2L), List.of(3L)), calls);
      assertEquals(List.of("X@0", "Y@1", "Z@2", "W@3"), driver.output(OUT).readValues());
    }
  }

  @Test
  void shouldGiveBatchOutputsNoHeadersAndTheLastRecordsTimestampWhenBatch() {
    Flow flow =
        Flows.stateless(NAME)
            .from(WORDS)
            .<String, String>batch(records -> List.of(KeyValue.of("n", "" + records.size())))
            .to(OUT);

    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(WORDS).pipe("a", "x", Headers.empty().with("trace", "t-1"));
      driver.input(WORDS).pipeBatch(List.of(KeyValue.of("a", "x"), KeyValue.of("b", "y")));

      List<Message<String, String>> inputs = driver.output(WORDS).readAll();
      List<Message<String, String>> outputs = driver.output(OUT).readAll();
      assertEquals(List.of("1", "2"), outputs.stream().map(Message::value).toList());
      assertEquals(
          Headers.empty(), outputs.get(0).headers(), "a batch output belongs to no single record");
      assertEquals(inputs.get(2).timestamp(), outputs.get(1).timestamp());
    }
  }

  @Test
  void shouldDeadLetterEveryRecordOfTheBatchWhenTheBatchFunctionKeepsFailing() {
    AtomicInteger calls = new AtomicInteger();
    Flow flow =
        Flows.stateless(NAME)
            .from(WORDS)
            .<String, String>batch(
                records -> {
                  calls.incrementAndGet();
                  throw new IllegalStateException("bulk API down");
                })
            .to(OUT);

    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(WORDS).pipeBatch(List.of(KeyValue.of("a", "x"), KeyValue.of("b", "y")));

      List<Message<byte[], byte[]>> dead = driver.deadLetters();
      assertEquals(3, calls.get(), "the whole batch is retried per the default policy");
      assertEquals(List.of("x", "y"), dead.stream().map(m -> utf8(m.value())).toList());
      dead.forEach(m -> assertEquals("3", header(m, DeadLetterHeaders.ATTEMPTS)));
      assertEquals(List.of(), driver.output(OUT).readAll());
    }
  }

  @Test
  void shouldKeepHeadersAndTimestampOfTheInputRecordWhenOutputsAreWritten() {
    Flow flow = Flows.stateless(NAME).from(WORDS).flatMapValues(v -> List.of(v, v + v)).to(OUT);
    Headers headers =
        Headers.empty().with("trace", "t-1").with("trace", "t-2").with("binary", new byte[] {0, 1});

    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(WORDS).pipe("k", "a", headers);
      driver.input(WORDS).pipe("k", "b");

      List<Message<String, String>> inputs = driver.output(WORDS).readAll();
      List<Message<String, String>> outputs = driver.output(OUT).readAll();
      assertEquals(4, outputs.size());
      for (int i = 0; i < 4; i++) {
        Message<String, String> source = inputs.get(i / 2);
        assertEquals(source.headers(), outputs.get(i).headers(), "headers of output " + i);
        assertEquals(source.timestamp(), outputs.get(i).timestamp(), "timestamp of output " + i);
      }
      assertEquals(headers, outputs.get(0).headers());
      assertTrue(
          inputs.get(0).timestamp() != inputs.get(1).timestamp(),
          "the inputs have distinct timestamps");
    }
  }

  @Test
  void shouldPassATombstoneThroughAsNullWhenTheValueIsNull() {
    try (FlowTestDriver driver = FlowTestDriver.of(remap(v -> v == null ? null : v + " updated"))) {
      driver.input(WORDS).pipe("gone", null);

      List<Message<String, String>> outputs = driver.output(OUT).readAll();
      assertEquals(1, outputs.size());
      assertEquals("gone", outputs.get(0).key());
      assertNull(outputs.get(0).value());
    }
  }

  @Test
  void shouldDeadLetterWithTheReasonInHeadersAfterThreeAttemptsWhenTheMapperKeepsThrowing() {
    AtomicInteger attempts = new AtomicInteger();
    Flow flow =
        remap(
            v -> {
              if (v.equals("poison")) {
                attempts.incrementAndGet();
                throw new IllegalStateException("cannot remap " + v);
              }
              return v + " updated";
            });

    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(WORDS).pipe("k0", "apple");
      driver.input(WORDS).pipe("k1", "poison", Headers.empty().with("trace", "t-9"));
      driver.input(WORDS).pipe("k2", "pizza");

      assertEquals(3, attempts.get());
      assertEquals(
          List.of("apple updated", "pizza updated"),
          driver.output(OUT).readValues(),
          "the flow goes on");
      List<Message<byte[], byte[]>> dead = driver.deadLetters();
      assertEquals(1, dead.size());
      Message<byte[], byte[]> letter = dead.get(0);
      assertEquals(NAME + ".dlq", letter.topic());
      assertArrayEquals(bytes("k1"), letter.key(), "the original key bytes");
      assertArrayEquals(bytes("poison"), letter.value(), "the original value bytes");
      assertEquals("t-9", header(letter, "trace"), "the original headers are kept");
      assertEquals("process", header(letter, DeadLetterHeaders.ERROR_STAGE));
      assertEquals(
          IllegalStateException.class.getName(), header(letter, DeadLetterHeaders.ERROR_CLASS));
      assertEquals("cannot remap poison", header(letter, DeadLetterHeaders.ERROR_MESSAGE));
      assertEquals("3", header(letter, DeadLetterHeaders.ATTEMPTS));
      assertEquals("words", header(letter, DeadLetterHeaders.SOURCE_TOPIC));
      assertEquals("0", header(letter, DeadLetterHeaders.SOURCE_PARTITION));
      assertEquals("1", header(letter, DeadLetterHeaders.SOURCE_OFFSET));
      assertEquals(NAME, header(letter, DeadLetterHeaders.FLOW));
    }
  }

  @Test
  void shouldTruncateTheErrorMessageHeaderWhenTheMessageIsLong() {
    try (FlowTestDriver driver =
        FlowTestDriver.of(
            remap(
                v -> {
                  throw new IllegalArgumentException("x".repeat(5_000));
                }))) {
      driver.input(WORDS).pipe("k", "v");

      assertEquals(
          "x".repeat(1_000), header(driver.deadLetters().get(0), DeadLetterHeaders.ERROR_MESSAGE));
    }
  }

  @Test
  void shouldDeadLetterWithTheReasonWhenMapReturnsNull() {
    Flow flow = Flows.stateless(NAME).from(WORDS).<String, String>map((k, v) -> null).to(OUT);

    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(WORDS).pipe("k", "v");

      Message<byte[], byte[]> letter = driver.deadLetters().get(0);
      assertEquals(
          NullPointerException.class.getName(), header(letter, DeadLetterHeaders.ERROR_CLASS));
      assertEquals(
          "the mapper returned null instead of a KeyValue",
          header(letter, DeadLetterHeaders.ERROR_MESSAGE));
    }
  }

  @Test
  void shouldWriteDeadLettersToTheConfiguredTopicWhenThePolicyNamesOne() {
    FlowOptions options =
        FlowOptions.defaults()
            .withErrorPolicy(ErrorPolicy.defaults().withDeadLetterTopic("shop.dead"));
    Flow flow =
        Flows.stateless(NAME, options)
            .from(WORDS)
            .<String>mapValues(
                v -> {
                  throw new IllegalStateException("no");
                })
            .to(OUT);

    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(WORDS).pipe("k", "v");

      assertEquals("shop.dead", flow.deadLetterTopic());
      assertEquals(
          List.of("shop.dead"), driver.deadLetters().stream().map(Message::topic).toList());
    }
  }

  @Test
  void shouldPublishOnlyTheOutputsOfTheSucceedingAttemptWhenARetrySucceeds() {
    AtomicInteger attempts = new AtomicInteger();
    Flow flow =
        Flows.stateless(NAME)
            .from(WORDS)
            .split(
                OUT,
                LENGTHS,
                (k, v, out) -> {
                  out.first(k, v + "#" + attempts.incrementAndGet());
                  if (attempts.get() < 3) {
                    throw new IllegalStateException("flaky");
                  }
                  out.second(k, v.length());
                });

    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(WORDS).pipe("k", "apple");

      assertEquals(
          List.of("apple#3"),
          driver.output(OUT).readValues(),
          "outputs of failed attempts are discarded");
      assertEquals(List.of(5), driver.output(LENGTHS).readValues());
      assertEquals(List.of(), driver.deadLetters());
    }
  }

  @Test
  void shouldPublishNothingOfTheRecordWhenItIsDeadLettered() {
    List<String> iterated = new ArrayList<>();
    Flow flow =
        Flows.stateless(NAME)
            .from(WORDS)
            .<String>flatMapValues(
                v ->
                    () ->
                        Stream.of(v + 1, v + 2, "fail")
                            .peek(iterated::add)
                            .map(
                                x -> {
                                  if (x.equals("fail")) {
                                    throw new IllegalStateException(
                                        "failed after two values went downstream");
                                  }
                                  return x;
                                })
                            .iterator())
            .to(OUT);

    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(WORDS).pipe("k", "poison");

      assertEquals(
          List.of("poison1", "poison2", "fail"),
          iterated.subList(0, 3),
          "two values were emitted before the failure");
      assertEquals(List.of(), driver.output(OUT).readAll());
      assertEquals(1, driver.deadLetters().size());
    }
  }

  @Test
  void shouldDeadLetterAnUndecodableRecordAfterOneAttemptWithoutCallingTheMapper() {
    AtomicInteger calls = new AtomicInteger();
    Flow flow =
        Flows.stateless(NAME)
            .from(ORDERS)
            .mapValues(
                o -> {
                  calls.incrementAndGet();
                  return o.id();
                })
            .to(OUT);
    byte[] garbage = {'{', 'n', 'o', 't', ' ', 'j', 's', 'o', 'n'};

    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(ORDERS).pipeRaw(bytes("o-1"), garbage);
      driver.input(ORDERS).pipe("o-2", new Order("o-2", 1));

      assertEquals(1, calls.get(), "only the decodable record reached the mapper");
      assertEquals(List.of("o-2"), driver.output(OUT).readValues());
      Message<byte[], byte[]> letter = driver.deadLetters().get(0);
      assertArrayEquals(garbage, letter.value());
      assertEquals("decode", header(letter, DeadLetterHeaders.ERROR_STAGE));
      assertEquals("1", header(letter, DeadLetterHeaders.ATTEMPTS));
      assertEquals(FormatException.class.getName(), header(letter, DeadLetterHeaders.ERROR_CLASS));
      assertTrue(
          header(letter, DeadLetterHeaders.ERROR_MESSAGE)
              .startsWith("cannot decode value of orders-0@0: cannot decode JSON as Order"),
          header(letter, DeadLetterHeaders.ERROR_MESSAGE));
      assertEquals("0", header(letter, DeadLetterHeaders.SOURCE_OFFSET));
    }
  }

  @Test
  void shouldThrowFlowFailedExceptionAfterOneAttemptWhenFailFast() {
    AtomicInteger attempts = new AtomicInteger();
    IllegalStateException boom = new IllegalStateException("boom");
    Flow flow =
        Flows.stateless(NAME, FlowOptions.defaults().withErrorPolicy(ErrorPolicy.failFast()))
            .from(WORDS)
            .<String>mapValues(
                v -> {
                  attempts.incrementAndGet();
                  throw boom;
                })
            .to(OUT);

    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      FlowFailedException e =
          assertThrows(FlowFailedException.class, () -> driver.input(WORDS).pipe("k", "v"));

      assertEquals(
          "flow test-words-remap failed on words-0@0 after 1 attempt(s): boom", e.getMessage());
      assertSame(boom, e.getCause());
      assertEquals(1, attempts.get());
      assertEquals(List.of(), driver.deadLetters(), "fail fast writes no dead letter");
    }
  }

  @Test
  void shouldThrowFlowFailedExceptionWhenFailFastMeetsAnUndecodableRecord() {
    Flow flow =
        Flows.stateless(NAME, FlowOptions.defaults().withErrorPolicy(ErrorPolicy.failFast()))
            .from(ORDERS)
            .mapValues(Order::id)
            .to(OUT);

    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      FlowFailedException e =
          assertThrows(
              FlowFailedException.class, () -> driver.input(ORDERS).pipeRaw(null, bytes("[")));

      assertInstanceOf(FormatException.class, e.getCause());
    }
  }

  private static String header(Message<byte[], byte[]> message, String key) {
    return message
        .headers()
        .lastString(key)
        .orElseThrow(() -> new AssertionError("no header " + key + " in " + message.headers()));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
