package dev.flows;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.json;
import static dev.flows.format.Formats.protobuf;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.protobuf.Int64Value;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code describe()} output compared to golden files in {@code src/test/resources/golden}. After an
 * intended change of the output, regenerate them with {@code ./mvnw -pl flows-core test
 * -Dtest=DescribeTest -Dflows.golden.update=true}, review the diff and commit it.
 */
class DescribeTest {
  private static final String UPDATE_PROPERTY = "flows.golden.update";

  record Order(String id, int quantity) {}

  static final Topic<String, String> WORDS = topic("words", string(), string());
  static final Topic<String, String> MORE_WORDS = topic("more-words", string(), string());
  static final Topic<String, String> UPDATED = topic("word-updated", string(), string());
  static final Topic<String, Integer> LENGTHS =
      topic("word-lengths", string(), json(Integer.class));
  static final Topic<String, String> COUNTS = topic("word-counts", string(), string());
  static final Topic<String, Order> ORDERS = topic("orders", string(), json(Order.class));

  static Flow stateless() {
    FlowOptions options = FlowOptions.defaults().withMaxRecords(500).withConcurrency(4);
    return Flows.stateless("shop-words-remap", options)
        .from(WORDS)
        .merge(MORE_WORDS)
        .filter((k, v) -> !v.isBlank())
        .mapValues(String::trim)
        .flatMapValues(v -> List.of(v.split(" ")))
        .split(
            UPDATED,
            LENGTHS,
            (k, v, out) -> {
              out.first(k, v + " updated");
              out.second(v, v.length());
            });
  }

  static Flow statelessBatch() {
    return Flows.stateless("shop-words-bulk")
        .from(WORDS)
        .<String, String>batch(
            records -> records.stream().map(m -> KeyValue.of(m.key(), m.value())).toList())
        .to(UPDATED);
  }

  static Flow stateful() {
    StateSpec<Int64Value> count =
        StateSpec.of("count", protobuf(Int64Value.parser()), Int64Value::getDefaultInstance);
    return Flows.stateful("shop-words-count")
        .from(WORDS)
        .state(count)
        .apply(
            (word, value, state) -> {
              Int64Value next = Int64Value.of(state.getValue() + 1);
              return StateUpdate.set(next, Long.toString(next.getValue()));
            })
        .to(COUNTS);
  }

  static Flow collector() {
    FlowOptions options =
        FlowOptions.defaults()
            .withMaxWait(Duration.ofSeconds(1))
            .withMaxPerKey(100)
            .withErrorPolicy(
                ErrorPolicy.defaults().withMaxAttempts(5).withDeadLetterTopic("shop.dead-letters"));
    return Flows.collector("shop-words-collect", options)
        .from(WORDS)
        .merge(MORE_WORDS)
        .aggregate(() -> 0L, (word, value, total) -> total + 1)
        .collect((word, total) -> word + "=" + total)
        .to(COUNTS);
  }

  static Join join() {
    StateSpec<Order> state =
        StateSpec.of("order", json(Order.class), () -> new Order("?", 0))
            .withTable("shop_order_state");
    return Flows.join(
            "shop-orders-join", FlowOptions.defaults().withErrorPolicy(ErrorPolicy.failFast()))
        .through("shop-orders-join-intermediate")
        .state(state)
        .on(ORDERS, (k, v) -> v.id(), (k, v, s) -> StateUpdate.set(v, v.id()))
        .on(WORDS, (k, v) -> k, (k, v, s) -> StateUpdate.emit(s.id() + " " + v))
        .to(topic("shop-orders-joined", string(), string()));
  }

  @Test
  void shouldDescribeAStatelessFlowAsInTheGoldenFilesWhenItHasSeveralStepsAndOutputs() {
    assertGolden("stateless", stateless());
  }

  @Test
  void shouldDescribeAStatelessFlowAsInTheGoldenFilesWhenItHasABatchFunction() {
    assertGolden("stateless-batch", statelessBatch());
  }

  @Test
  void shouldDescribeAStatefulFlowAsInTheGoldenFilesWhenItKeepsState() {
    assertGolden("stateful", stateful());
  }

  @Test
  void shouldDescribeACollectorAsInTheGoldenFilesWhenItMergesTopics() {
    assertGolden("collector", collector());
  }

  @Test
  void shouldDescribeBothStepsOfAJoinAsInTheGoldenFilesWhenBuilt() {
    assertGolden("join-merge", join().merge());
    assertGolden("join-apply", join().apply());
  }

  record WordRequest(String message) {}

  @Test
  void shouldDescribeAnHttpFlowWithItsRouteAsInTheGoldenFilesWhenBuilt() {
    Flow adapter =
        Flows.http("flows-word-adapter", HttpOptions.defaults().withMaxBodyBytes(65_536))
            .post("/adapter", json(WordRequest.class))
            .map(request -> KeyValue.of(request.message(), request.message()))
            .to(topic("word", string(), string()));

    assertGolden("http", adapter);
  }

  @Test
  void shouldPrintTheTextWhenAFlowIsTurnedIntoAString() {
    Flow flow = stateful();

    assertEquals(flow.describe().text(), flow.toString());
    assertEquals(flow.describe().text(), flow.describe().toString());
  }

  @Test
  void shouldNameTheFirstDifferingLineWhenOutputDiffersFromGolden() {
    String message = diffMessage("x.txt", "a\nb\nc\n", "a\nB\nc\n");

    assertEquals(
        "describe() differs from golden/x.txt at line 2",
        message.lines().findFirst().orElseThrow());
    assertEquals(List.of("  golden: b", "  actual: B"), message.lines().skip(1).limit(2).toList());
    String longer = diffMessage("x.txt", "a\nb\n", "a\nb\nc\n");
    assertEquals(
        List.of(
            "describe() differs from golden/x.txt at line 3",
            "  golden: <end of file>",
            "  actual: c"),
        longer.lines().limit(3).toList());
  }

  @Test
  void shouldDescribeEquallyWhenTheSameFlowIsBuiltTwice() {
    assertEquals(stateless().describe(), stateless().describe());
  }

  private static void assertGolden(String name, Flow flow) {
    FlowDescription description = flow.describe();
    assertGolden(name + "-text.txt", description.text());
    assertGolden(name + "-mermaid.txt", description.mermaid());
  }

  private static void assertGolden(String file, String actual) {
    if (Boolean.getBoolean(UPDATE_PROPERTY)) {
      write(
          ArchitectureTest.projectRoot()
              .resolve("flows-core/src/test/resources/golden")
              .resolve(file),
          actual);
    }
    String expected = read(file);
    assertEquals(expected, actual, () -> diffMessage(file, expected, actual));
  }

  /** Names the first differing line and prints the whole actual output, ready to paste. */
  static String diffMessage(String file, String expected, String actual) {
    List<String> want = expected.lines().toList();
    List<String> got = actual.lines().toList();
    int line = 0;
    while (line < want.size() && line < got.size() && want.get(line).equals(got.get(line))) {
      line++;
    }
    String wantLine = line < want.size() ? want.get(line) : "<end of file>";
    String gotLine = line < got.size() ? got.get(line) : "<end of output>";
    return "describe() differs from golden/"
        + file
        + " at line "
        + (line + 1)
        + "\n"
        + "  golden: "
        + wantLine
        + "\n"
        + "  actual: "
        + gotLine
        + "\n"
        + "If the change is intended, rerun with -D"
        + UPDATE_PROPERTY
        + "=true and review the diff. Actual output:\n"
        + actual;
  }

  private static String read(String file) {
    try (InputStream in = DescribeTest.class.getResourceAsStream("/golden/" + file)) {
      assertNotNull(
          in,
          "golden/"
              + file
              + " is missing: create it with -D"
              + UPDATE_PROPERTY
              + "=true and review it");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path target, String content) {
    try {
      Files.createDirectories(target.getParent());
      Files.writeString(target, content, StandardCharsets.UTF_8);
      // also where the class path reads from in this run
      Path compiled =
          ArchitectureTest.projectRoot()
              .resolve("flows-core/target/test-classes/golden")
              .resolve(target.getFileName());
      Files.createDirectories(compiled.getParent());
      Files.writeString(compiled, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
