package dev.flows.kafka;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.metrics.JvmMetric;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@FlowsServices
class AdminEndpointsIT {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldServeHealthAndPrometheusMetricsWhenTheFlowRuns(TestKafka kafka) {
    kafka.createTopic("admin-it-in", 2);
    kafka.createTopic("admin-it-out", 2);
    Flow flow =
        Flows.stateless("it-admin-echo")
            .from(topic("admin-it-in", string(), string()))
            .mapValues(String::toUpperCase)
            .to(topic("admin-it-out", string(), string()));
    FlowRuntime runtime =
        FlowRuntime.builder(flow)
            .connector(KafkaConnector.create(kafka.bootstrapServers()))
            .adminPort(0)
            .build();
    try (runtime) {
      runtime.start();
      int port = runtime.adminPort().orElseThrow();
      Awaits.until(
          Duration.ofSeconds(60),
          "/health/ready to answer 200",
          () -> get(port, "/health/ready").statusCode() == 200);
      kafka.produce(
          "admin-it-in",
          List.<byte[][]>of(
              new byte[][] {
                "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)
              }));
      kafka.readAll("admin-it-out", 1, Duration.ofSeconds(60));

      HttpResponse<String> live = get(port, "/health/live");
      assertEquals(200, live.statusCode());
      assertTrue(live.body().contains("\"flow\":\"it-admin-echo\""), live.body());
      Awaits.until(
          Duration.ofSeconds(30),
          "the record counted in /metrics",
          () ->
              get(port, "/metrics")
                  .body()
                  .contains(
                      "flows_records_in_total{flow=\"it-admin-echo\",topic=\"admin-it-in\"} 1.0"));
      assertEquals(405, send(port, "/metrics", "POST").statusCode());
    }
    assertTrue(runtime.status().stream().noneMatch(s -> s.running()), "stopped after close");
  }

  @Test
  void shouldServeTheJvmAndProcessMetersOnMetricsWhenStarted(TestKafka kafka) {
    Flow flow =
        Flows.stateless("it-admin-jvm")
            .from(topic("admin-it-jvm", string(), string()))
            .to(topic("admin-it-jvm-out", string(), string()));
    try (FlowRuntime runtime =
        FlowRuntime.builder(flow)
            .connector(KafkaConnector.create(kafka.bootstrapServers()))
            .adminPort(0)
            .build()
            .start()) {
      String metrics = get(runtime.adminPort().orElseThrow(), "/metrics").body();

      for (JvmMetric metric : JvmMetric.values()) {
        assertTrue(
            metrics.lines().anyMatch(l -> l.startsWith(metric.example())),
            metric.binderName() + " serves " + metric.example());
      }
      assertTrue(metrics.contains("jvm_memory_used_bytes{area=\"heap\""), "by memory area");
    }
  }

  @Test
  void shouldServeTheKafkaClientsOwnMetricsTaggedWithTheFlowUntilClosedWhenTheFlowRuns(
      TestKafka kafka) {
    kafka.createTopic("admin-it-clients-in", 1);
    kafka.createTopic("admin-it-clients-out", 1);
    Flow flow =
        Flows.stateless("it-admin-clients")
            .from(topic("admin-it-clients-in", string(), string()))
            .to(topic("admin-it-clients-out", string(), string()));
    SimpleMeterRegistry own = new SimpleMeterRegistry();
    FlowRuntime runtime =
        FlowRuntime.builder(flow)
            .connector(KafkaConnector.create(kafka.bootstrapServers()))
            .meterRegistry(own)
            .adminPort(0)
            .build();
    try (runtime) {
      runtime.start();
      int port = runtime.adminPort().orElseThrow();
      kafka.produce(
          "admin-it-clients-in",
          List.<byte[][]>of(
              new byte[][] {
                "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)
              }));
      kafka.readAll("admin-it-clients-out", 1, Duration.ofSeconds(60));

      Awaits.until(
          Duration.ofSeconds(30),
          "the consumer's record and the producer's send counted in /metrics",
          () -> {
            String metrics = get(port, "/metrics").body();
            return sample(
                        metrics,
                        "kafka_consumer_fetch_manager_records_consumed_total",
                        "flow=\"it-admin-clients\"")
                    >= 1
                && sample(
                        metrics,
                        "kafka_producer_record_send_total",
                        "client_id=\"flows-it-admin-clients\"")
                    >= 1;
          });
      assertEquals(
          1,
          own.find("kafka.consumer.fetch.manager.records.consumed.total")
              .tag("flow", "it-admin-clients")
              .meters()
              .size(),
          "the user's registry gets them too");
    }
    assertEquals(
        List.of(),
        own.getMeters().stream().filter(m -> m.getId().getName().startsWith("kafka.")).toList(),
        "closed clients leave no meters behind");
  }

  /**
   * The value of the first sample of {@code name} whose labels contain {@code label}; -1 if none.
   */
  private static double sample(String scrape, String name, String label) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(name + "{") && l.contains(label))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElse(-1);
  }

  private HttpResponse<String> get(int port, String path) {
    return send(port, path, "GET");
  }

  private HttpResponse<String> send(int port, String path, String method) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("GET " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
