package dev.flows.http;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.json;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.FlowKind;
import dev.flows.Flows;
import dev.flows.HttpOptions;
import dev.flows.KeyValue;
import dev.flows.Topic;
import dev.flows.dsl.HttpRoute;
import dev.flows.dsl.ValueMapper;
import dev.flows.format.Format;
import dev.flows.testing.FlowTestDriver;
import dev.flows.testing.TestResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The http flow's DSL and its answers on the in-memory test driver. */
class HttpFlowTest {
  record WordRequest(String message) {}

  static final Topic<String, String> WORD = topic("word", string(), string());
  static final Topic<String, String> UPPER = topic("word-upper", string(), string());

  static Flow adapter() {
    return Flows.http("flows-word-adapter")
        .post("/adapter", json(WordRequest.class))
        .map(
            request -> {
              if (request.message() == null || request.message().isBlank()) {
                throw new IllegalArgumentException("message must not be blank");
              }
              return KeyValue.of(request.message(), request.message());
            })
        .to(WORD);
  }

  @Test
  void shouldWriteTheRecordAndAnswer202WhenTheBodyIsValidJson() {
    try (FlowTestDriver driver = FlowTestDriver.of(adapter())) {
      TestResponse response = driver.post(adapter(), "/adapter", "{\"message\": \"hello\"}");

      assertEquals(202, response.status(), response.body());
      assertTrue(response.accepted());
      assertEquals(List.of(KeyValue.of("hello", "hello")), driver.output(WORD).readKeyValues());
    }
  }

  @Test
  void shouldAnswer400WithTheReasonAndWriteNothingWhenTheBodyIsNotJson() {
    try (FlowTestDriver driver = FlowTestDriver.of(adapter())) {
      TestResponse response = driver.post(adapter(), "/adapter", "{\"message\": ");

      assertEquals(400, response.status());
      assertTrue(
          response
              .body()
              .startsWith(
                  "{\"error\":\"cannot decode request body: cannot decode JSON as WordRequest"),
          response.body());
      assertEquals(List.of(), driver.output(WORD).readAll());
    }
  }

  @Test
  void shouldAnswer422WithTheMessageAndWriteNothingWhenTheMappingThrows() {
    try (FlowTestDriver driver = FlowTestDriver.of(adapter())) {
      TestResponse response = driver.post(adapter(), "/adapter", "{\"message\": \" \"}");

      assertEquals(
          new TestResponse(
              422, "{\"error\":\"cannot map the request: message must not be blank\"}"),
          response);
      assertEquals(List.of(), driver.output(WORD).readAll());
    }
  }

  @Test
  void shouldAnswer422WhenTheMappingReturnsNoRecord() {
    Flow nothing =
        Flows.http("flows-word-nothing")
            .post("/nothing", string())
            .<String, String>map(body -> null)
            .to(WORD);
    try (FlowTestDriver driver = FlowTestDriver.of(nothing)) {
      assertEquals(422, driver.post(nothing, "/nothing", "x").status());
      assertEquals(List.of(), driver.output(WORD).readAll());
    }
  }

  @Test
  void shouldAnswer404WhenThePathIsNotTheRoute() {
    try (FlowTestDriver driver = FlowTestDriver.of(adapter())) {
      TestResponse response = driver.post(adapter(), "/adapter/more", "{\"message\": \"hello\"}");

      assertEquals(new TestResponse(404, "{\"error\":\"no route /adapter/more\"}"), response);
    }
  }

  @Test
  void shouldAnswer413WhenTheBodyIsAboveTheLimit() {
    Flow small =
        Flows.http("flows-word-small", HttpOptions.defaults().withMaxBodyBytes(10))
            .post("/small", string())
            .map(body -> KeyValue.of(body, body))
            .to(WORD);
    try (FlowTestDriver driver = FlowTestDriver.of(small)) {
      assertEquals(202, driver.post(small, "/small", "0123456789").status());
      TestResponse tooLarge = driver.post(small, "/small", "0123456789a");

      assertEquals(
          new TestResponse(413, "{\"error\":\"the body has 11 bytes, more than the limit of 10\"}"),
          tooLarge);
      assertEquals(List.of("0123456789"), driver.output(WORD).readValues());
    }
  }

  @Test
  void shouldRunTheFlowsReadingTheTopicWhenAPostWroteToIt() {
    Flow upper =
        Flows.stateless("flows-word-upper").from(WORD).mapValues(String::toUpperCase).to(UPPER);
    try (FlowTestDriver driver = FlowTestDriver.of(adapter(), upper)) {
      driver.post(
          adapter(), "/adapter", "{\"message\": \"hello\"}".getBytes(StandardCharsets.UTF_8));

      assertEquals(List.of("HELLO"), driver.output(UPPER).readValues());
    }
  }

  @Test
  void shouldFailNamingTheFlowWhenPostIsGivenAFlowThatIsNotHttp() {
    Flow upper = Flows.stateless("flows-word-upper").from(WORD).to(UPPER);
    try (FlowTestDriver driver = FlowTestDriver.of(upper)) {
      FlowDefinitionException e =
          assertThrows(FlowDefinitionException.class, () -> driver.post(upper, "/adapter", "{}"));

      assertEquals(
          "flow is not an http flow, got 'flows-word-upper': pass a flow built by Flows.http",
          e.getMessage());
    }
  }

  @Test
  void shouldBeAnHttpFlowWritingItsTopicWhenBuilt() {
    Flow flow = adapter();

    assertEquals(FlowKind.HTTP, flow.kind());
    assertEquals(List.of(), flow.inputs());
    assertEquals(List.of(WORD), flow.outputs());
  }

  @Test
  void shouldFailNamingThePathAndTheFixWhenThePathDoesNotStartWithASlash() {
    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class,
            () -> Flows.http("flows-word-adapter").post("adapter", string()));

    assertEquals("path must start with '/', got 'adapter': use e.g. '/adapter'", e.getMessage());
  }

  @Test
  void shouldFailNamingThePathWhenItHasAQueryStringOrATrailingSlash() {
    for (String path :
        List.of("/adapter?x=1", "/adapter/", "//adapter", "/ad apter", "/adapter#top")) {
      FlowDefinitionException e =
          assertThrows(
              FlowDefinitionException.class,
              () -> Flows.http("flows-word-adapter").post(path, string()));

      assertEquals(
          "path must be segments of [A-Za-z0-9._~-] separated by single '/', got '"
              + path
              + "': leave out query strings,"
              + " spaces, empty segments and the trailing '/', e.g. '/orders/import'",
          e.getMessage());
    }
  }

  @Test
  void shouldFailNamingThePathWhenItIsAnAdminPath() {
    for (String path : List.of("/metrics", "/health", "/health/ready")) {
      FlowDefinitionException e =
          assertThrows(
              FlowDefinitionException.class,
              () -> Flows.http("flows-word-adapter").post(path, string()));

      assertEquals(
          "path is reserved for the admin endpoints, got '"
              + path
              + "': choose another path, e.g. '/adapter'",
          e.getMessage());
    }
  }

  @Test
  void shouldFailNamingTheSettingWhenTheFormatOrTheOptionsAreMissing() {
    FlowDefinitionException format =
        assertThrows(
            FlowDefinitionException.class,
            () -> Flows.http("flows-word-adapter").post("/adapter", null));
    FlowDefinitionException options =
        assertThrows(FlowDefinitionException.class, () -> Flows.http("flows-word-adapter", null));

    assertEquals(
        "requestFormat is missing, got null: pass the body's format, e.g. json(Request.class)",
        format.getMessage());
    assertEquals("options is missing, got null: use HttpOptions.defaults()", options.getMessage());
  }

  @Test
  void shouldFailNamingTheFlowNameWhenItIsInvalid() {
    assertThrows(FlowDefinitionException.class, () -> Flows.http("Not A Name"));
  }

  @Test
  void shouldFailNamingTheSettingWhenHttpOptionsAreOutOfRange() {
    FlowDefinitionException body =
        assertThrows(
            FlowDefinitionException.class, () -> HttpOptions.defaults().withMaxBodyBytes(0));
    FlowDefinitionException timeout =
        assertThrows(
            FlowDefinitionException.class,
            () -> HttpOptions.defaults().withAckTimeout(Duration.ZERO));

    assertEquals("maxBodyBytes must be at least 1, got 0: use e.g. 1048576", body.getMessage());
    assertEquals(
        "ackTimeout must be at least one millisecond, got PT0S: use e.g. Duration.ofSeconds(30)",
        timeout.getMessage());
  }

  @Test
  void shouldAcceptAMapperOfASuperTypeReturningSubTypesWhenBuilt() {
    ValueMapper<Object, KeyValue<String, String>> any =
        value -> KeyValue.of(value.toString(), value.toString());
    HttpRoute<WordRequest> route =
        Flows.http("flows-word-any").post("/any", json(WordRequest.class));
    Topic<CharSequence, Object> wide = topic("wide", chars(), json(Object.class));

    Flow flow = route.<String, String>map(any).to(wide);

    assertEquals(List.of(wide), flow.outputs());
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
