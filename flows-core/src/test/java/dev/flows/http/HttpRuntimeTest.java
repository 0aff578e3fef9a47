package dev.flows.http;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.json;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.Flows;
import dev.flows.HttpOptions;
import dev.flows.KeyValue;
import dev.flows.runtime.FlowRuntime;
import dev.flows.spi.Connector;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.Sink;
import dev.flows.spi.Source;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * An http flow served by the runtime on its admin port, over a sink that stands in for the broker.
 */
class HttpRuntimeTest {
  record WordRequest(String message) {}

  private final HttpClient http = HttpClient.newHttpClient();
  private final HeldSink sink = new HeldSink();

  static Flow adapter(HttpOptions options) {
    return Flows.http("flows-word-adapter", options)
        .post("/adapter", json(WordRequest.class))
        .map(request -> KeyValue.of(request.message(), request.message()))
        .to(topic("word", string(), string()));
  }

  @Test
  void shouldAnswerEveryStatusOfTheRouteBesideTheHealthEndpointsWhenServedOnTheAdminPort() {
    try (FlowRuntime runtime = start(adapter(HttpOptions.defaults().withMaxBodyBytes(100)))) {
      int port = runtime.adminPort().orElseThrow();
      until(
          "/health/ready to answer 200",
          () -> send(port, "GET", "/health/ready", "").statusCode() == 200);

      HttpResponse<String> accepted = send(port, "POST", "/adapter", "{\"message\":\"hi\"}");
      HttpResponse<String> bad = send(port, "POST", "/adapter", "{\"message\":");
      HttpResponse<String> get = send(port, "GET", "/adapter", "");
      HttpResponse<String> other = send(port, "POST", "/adapter/other", "{}");
      HttpResponse<String> large =
          send(port, "POST", "/adapter", "{\"message\":\"" + "x".repeat(100) + "\"}");

      assertEquals(202, accepted.statusCode(), accepted.body());
      assertEquals("{\"topic\":\"word\"}", accepted.body());
      assertEquals(1, sink.acked.size());
      assertEquals("hi", new String(sink.acked.get(0).value(), StandardCharsets.UTF_8));
      assertEquals(400, bad.statusCode());
      assertTrue(bad.body().startsWith("{\"error\":\"cannot decode request body"), bad.body());
      assertEquals(405, get.statusCode());
      assertEquals("POST", get.headers().firstValue("Allow").orElseThrow());
      assertEquals(404, other.statusCode());
      assertEquals(413, large.statusCode());
      assertTrue(large.body().contains("more than the limit of 100"), large.body());
      assertEquals(1, sink.acked.size(), "refused requests write nothing");
    }
  }

  @Test
  void shouldCountTheRequestsTheFlowAnsweredByStatusWhenServed() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Flow flow = adapter(HttpOptions.defaults().withMaxBodyBytes(100));
    try (FlowRuntime runtime =
        FlowRuntime.builder(flow)
            .connector(connector())
            .meterRegistry(registry)
            .adminPort(0)
            .build()
            .start()) {
      int port = runtime.adminPort().orElseThrow();
      send(port, "POST", "/adapter", "{\"message\":\"hi\"}");
      send(port, "POST", "/adapter", "{\"message\":\"ho\"}");
      send(port, "POST", "/adapter", "{\"message\":");
      send(port, "POST", "/adapter/other", "{}");

      Map<String, Double> byStatus = new TreeMap<>();
      registry
          .find("flows.http.requests")
          .tag("flow", "flows-word-adapter")
          .counters()
          .forEach(c -> byStatus.put(c.getId().getTag("status"), c.count()));
      assertEquals(
          Map.of("202", 2.0, "400", 1.0),
          byStatus,
          "the 404 of another path is the route's, not the flow's");
    }
  }

  @Test
  void shouldAnswer503WhenTheBrokerDoesNotAcknowledgeWithinTheAckTimeout() {
    sink.holding = true;
    try (FlowRuntime runtime =
        start(adapter(HttpOptions.defaults().withAckTimeout(Duration.ofMillis(200))))) {
      HttpResponse<String> response =
          send(runtime.adminPort().orElseThrow(), "POST", "/adapter", "{\"message\":\"hi\"}");

      assertEquals(503, response.statusCode());
      assertEquals("1", response.headers().firstValue("Retry-After").orElseThrow());
      assertTrue(response.body().contains("retry later"), response.body());
      sink.holding = false;
    }
  }

  @Test
  void shouldAnswerARequestInFlightWhenTheRuntimeClosesMeanwhile() {
    sink.holding = true;
    FlowRuntime runtime = start(adapter(HttpOptions.defaults()));
    int port = runtime.adminPort().orElseThrow();
    CompletableFuture<HttpResponse<String>> response =
        http.sendAsync(
            post(port, "/adapter", "{\"message\":\"late\"}"), HttpResponse.BodyHandlers.ofString());
    until("the record to be sent", () -> sink.held.size() == 1);

    CompletableFuture<Void> closed = CompletableFuture.runAsync(runtime::close);
    until("the route to stop taking requests", () -> !runtime.status().get(0).assigned());
    assertEquals(503, send(port, "POST", "/adapter", "{\"message\":\"new\"}").statusCode());
    sink.release();

    assertEquals(202, response.join().statusCode());
    closed.join();
    assertEquals(1, sink.acked.size());
  }

  @Test
  void shouldNotBeReadyWhenTheSinkIsNotConnected() {
    try (FlowRuntime runtime = start(adapter(HttpOptions.defaults()))) {
      int port = runtime.adminPort().orElseThrow();
      until("ready", () -> send(port, "GET", "/health/ready", "").statusCode() == 200);

      sink.connected = false;
      until("not ready", () -> send(port, "GET", "/health/ready", "").statusCode() == 503);
      sink.connected = true;
      until("ready again", () -> send(port, "GET", "/health/ready", "").statusCode() == 200);
    }
  }

  @Test
  void shouldFailNamingAdminPortWhenARuntimeHasAnHttpFlowButNoAdminPort() {
    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class,
            () ->
                FlowRuntime.builder(adapter(HttpOptions.defaults()))
                    .connector(connector())
                    .build());

    assertEquals(
        "adminPort is missing for http flow flows-word-adapter, whose route is served on it, got null: call .adminPort(port)"
            + " on the runtime builder, e.g. with FLOWS_HTTP_PORT (FlowsConfig.httpPort())",
        e.getMessage());
  }

  @Test
  void shouldFailNamingThePathWhenTwoHttpFlowsOfARuntimeServeIt() {
    Flow other =
        Flows.http("flows-word-other")
            .post("/adapter", string())
            .map(s -> KeyValue.of(s, s))
            .to(topic("word", string(), string()));

    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class,
            () ->
                FlowRuntime.builder(adapter(HttpOptions.defaults()), other)
                    .connector(connector())
                    .adminPort(0)
                    .build());

    assertEquals(
        "path is served by both http flows flows-word-adapter and flows-word-other, got '/adapter': give each http flow"
            + " of a runtime its own path",
        e.getMessage());
  }

  private FlowRuntime start(Flow flow) {
    return FlowRuntime.builder(flow).connector(connector()).adminPort(0).build().start();
  }

  private Connector connector() {
    return new Connector() {
      @Override
      public Source source(String group, String clientId) {
        throw new UnsupportedOperationException("http flows read no topic");
      }

      @Override
      public Sink sink(String clientId) {
        return sink;
      }
    };
  }

  private static HttpRequest post(int port, String path, String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .timeout(Duration.ofSeconds(30))
        .build();
  }

  private HttpResponse<String> send(int port, String method, String path, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(30))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static void until(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  /** Acknowledges sends at once, or holds them until released; reports a connection as told. */
  static final class HeldSink implements Sink {
    final List<OutgoingRecord> acked = new CopyOnWriteArrayList<>();
    final List<Runnable> held = new CopyOnWriteArrayList<>();
    volatile boolean holding;
    volatile boolean connected = true;

    @Override
    public void send(OutgoingRecord record, Ack ack) {
      Runnable acknowledge =
          () -> {
            acked.add(record);
            ack.completed(null);
          };
      if (holding) {
        held.add(acknowledge);
      } else {
        acknowledge.run();
      }
    }

    void release() {
      held.forEach(Runnable::run);
    }

    @Override
    public void flush() {}

    @Override
    public boolean isRecordError(Exception error) {
      return false;
    }

    @Override
    public boolean isConnected() {
      return connected;
    }

    @Override
    public void close() {}
  }
}
