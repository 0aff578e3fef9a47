package dev.flows.runtime;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.KeyValue;
import dev.flows.Lineage;
import dev.flows.spi.Connector;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.Sink;
import dev.flows.spi.Source;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The admin port's {@code /topology} page, its assets and {@code /topology.json}, served by a
 * runtime for the flows it runs. The page as a browser draws it: {@code TopologyPageTest} in
 * flows-examples.
 */
class TopologyEndpointTest {
  private final HttpClient http = HttpClient.newHttpClient();

  static List<Flow> flows() {
    return List.of(
        Flows.http("shop-orders-intake")
            .post("/orders", string())
            .map(body -> KeyValue.of(body, body))
            .to(topic("orders", string(), string())),
        Flows.cron("shop-reports-nightly")
            .schedule("0 0 3 * * *")
            .produce(() -> "report")
            .to(topic("reports", string(), string())));
  }

  @Test
  void shouldServeTheLineageOfItsFlowsWhenTopologyJsonIsAsked() throws Exception {
    try (FlowRuntime runtime = start(flows())) {
      HttpResponse<String> json = get(runtime, "/topology.json", "GET");

      assertEquals(200, json.statusCode());
      assertEquals("application/json", json.headers().firstValue("Content-Type").orElseThrow());
      assertEquals(Lineage.of(flows()).toJson(), json.body());
    }
  }

  @Test
  void shouldServeThePageAndItsAssetsFromTheJarWhenTopologyIsAsked() throws Exception {
    try (FlowRuntime runtime = start(flows())) {
      HttpResponse<String> page = get(runtime, "/topology", "GET");
      HttpResponse<String> script = get(runtime, "/topology.js", "GET");
      HttpResponse<String> style = get(runtime, "/topology.css", "GET");

      assertEquals(200, page.statusCode());
      assertTrue(page.body().contains("<script src=\"topology.js\"></script>"), page.body());
      assertEquals(
          "default-src 'self'; img-src 'self' data:",
          page.headers().firstValue("Content-Security-Policy").orElseThrow(),
          "the page may load nothing from another origin");
      assertEquals(200, script.statusCode());
      assertTrue(
          script.headers().firstValue("Content-Type").orElseThrow().startsWith("text/javascript"));
      assertTrue(script.body().contains("fetch(\"topology.json\")"), "the script draws the JSON");
      assertEquals(200, style.statusCode());
      assertTrue(style.headers().firstValue("Content-Type").orElseThrow().startsWith("text/css"));
    }
  }

  @Test
  void shouldAnswerNotFoundOrNotAllowedWhenAnotherPathOrMethodIsAsked() throws Exception {
    try (FlowRuntime runtime = start(flows())) {
      assertEquals(404, get(runtime, "/topology/other", "GET").statusCode());
      assertEquals(404, get(runtime, "/topologyx", "GET").statusCode());
      HttpResponse<String> post = get(runtime, "/topology.json", "POST");
      assertEquals(405, post.statusCode());
      assertEquals("GET", post.headers().firstValue("Allow").orElseThrow());
    }
  }

  private static FlowRuntime start(List<Flow> flows) {
    return FlowRuntime.builder(flows.toArray(Flow[]::new))
        .connector(new NoBroker())
        .adminPort(0)
        .build()
        .start();
  }

  private HttpResponse<String> get(FlowRuntime runtime, String path, String method)
      throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + runtime.adminPort().orElseThrow() + path);
    return http.send(
        HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A connector for flows that never reach the broker here (nothing is posted or fired). */
  private static final class NoBroker implements Connector, Sink {
    @Override
    public Source source(String group, String clientId) {
      throw new UnsupportedOperationException("these flows read no topic");
    }

    @Override
    public Sink sink(String clientId) {
      return this;
    }

    @Override
    public void send(OutgoingRecord record, Ack ack) {
      throw new UnsupportedOperationException("these flows publish nothing in this test");
    }

    @Override
    public void flush() {}

    @Override
    public boolean isRecordError(Exception error) {
      return false;
    }

    @Override
    public void close() {}
  }
}
