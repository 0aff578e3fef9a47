package dev.flows.kafka;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.json;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.HttpOptions;
import dev.flows.KeyValue;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP adapter on a real broker: POST /adapter JSON -> a record on a topic, 2xx only once
 * acknowledged.
 */
@FlowsServices
class HttpAdapterIT {
  private static final Logger LOG = LoggerFactory.getLogger(HttpAdapterIT.class);
  private static final int POSTS = 1_000;
  private static final int IN_FLIGHT = 50;

  record WordRequest(String message) {}

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static Flow adapter(String name, String topic, HttpOptions options) {
    return Flows.http(name, options)
        .post("/adapter", json(WordRequest.class))
        .map(request -> KeyValue.of(request.message(), request.message()))
        .to(topic(topic, string(), string()));
  }

  @Test
  void shouldWriteExactlyOneRecordPerPostAndAnswerEach2xxWhenAThousandArePostedConcurrently(
      TestKafka kafka) throws InterruptedException {
    kafka.createTopic("http-it-word", 3);
    try (FlowRuntime runtime =
        start(
            adapter("it-http-adapter", "http-it-word", HttpOptions.defaults()),
            KafkaConnector.create(kafka.bootstrapServers()))) {
      int port = runtime.adminPort().orElseThrow();
      Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
      Semaphore inFlight = new Semaphore(IN_FLIGHT);
      long start = System.nanoTime();
      CompletableFuture<?>[] all = new CompletableFuture<?>[POSTS];
      for (int i = 0; i < POSTS; i++) {
        inFlight.acquire();
        all[i] =
            http.sendAsync(
                    post(port, "{\"message\":\"word-" + i + "\"}"),
                    HttpResponse.BodyHandlers.ofString())
                .whenComplete(
                    (response, error) -> {
                      statuses.merge(error == null ? response.statusCode() : -1, 1, Integer::sum);
                      inFlight.release();
                    });
      }
      CompletableFuture.allOf(all).exceptionally(e -> null).join();
      double seconds = (System.nanoTime() - start) / 1e9;
      LOG.info(
          "{} POSTs, {} in flight: {} s, {} POST/s",
          POSTS,
          IN_FLIGHT,
          String.format("%.2f", seconds),
          Math.round(POSTS / seconds));

      assertEquals(Map.of(202, POSTS), new TreeMap<>(statuses), "every POST answered 202");
      List<ConsumerRecord<byte[], byte[]>> records =
          kafka.readAll("http-it-word", POSTS, Duration.ofSeconds(60));
      assertEquals(POSTS, records.size(), "exactly one record per POST");
      Set<String> values =
          records.stream()
              .map(r -> new String(r.value(), StandardCharsets.UTF_8))
              .collect(Collectors.toSet());
      assertEquals(POSTS, values.size());
      assertTrue(
          records.stream()
              .allMatch(
                  r ->
                      new String(r.key(), StandardCharsets.UTF_8)
                          .equals(new String(r.value(), StandardCharsets.UTF_8))));
    }
  }

  @Test
  void shouldAnswer400WithTheReasonAndWriteNothingWhenTheBodyIsNotJson(TestKafka kafka) {
    kafka.createTopic("http-it-bad", 1);
    try (FlowRuntime runtime =
        start(
            adapter("it-http-bad", "http-it-bad", HttpOptions.defaults()),
            KafkaConnector.create(kafka.bootstrapServers()))) {
      int port = runtime.adminPort().orElseThrow();

      HttpResponse<String> bad = send(post(port, "{\"message\": oops"));
      HttpResponse<String> good = send(post(port, "{\"message\":\"after\"}"));

      assertEquals(400, bad.statusCode());
      assertEquals("application/json", bad.headers().firstValue("Content-Type").orElseThrow());
      assertTrue(
          bad.body()
              .startsWith(
                  "{\"error\":\"cannot decode request body: cannot decode JSON as WordRequest"),
          bad.body());
      assertEquals(202, good.statusCode(), good.body());
      List<ConsumerRecord<byte[], byte[]>> records =
          kafka.readAll("http-it-bad", 1, Duration.ofSeconds(60));
      assertEquals(
          List.of("after"),
          records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList(),
          "only the good request wrote a record");
    }
  }

  @Test
  void shouldAnswer503AndNo2xxWhenTheTopicDoesNotExist(TestKafka kafka) {
    KafkaConnector connector =
        KafkaConnector.create(kafka.bootstrapServers()).withProperty("max.block.ms", 2_000);
    HttpOptions options = HttpOptions.defaults().withAckTimeout(Duration.ofSeconds(5));
    try (FlowRuntime runtime =
        start(adapter("it-http-missing", "http-it-missing", options), connector)) {
      HttpResponse<String> response =
          send(post(runtime.adminPort().orElseThrow(), "{\"message\":\"lost\"}"));

      assertEquals(503, response.statusCode(), response.body());
      assertTrue(response.body().contains("retry later"), response.body());
    }
  }

  private FlowRuntime start(Flow flow, KafkaConnector connector) {
    FlowRuntime runtime =
        FlowRuntime.builder(flow).connector(connector).adminPort(0).build().start();
    int port = runtime.adminPort().orElseThrow();
    Awaits.until(
        Duration.ofSeconds(60),
        "/health/ready to answer 200 before any POST",
        () ->
            send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                        .build())
                    .statusCode()
                == 200);
    return runtime;
  }

  @Test
  void shouldPublishARetriedPostOnceAndCarryItsIdempotencyKeyWhenTheClientSetsOne(TestKafka kafka) {
    kafka.createTopic("http-it-idempotent", 1);
    try (FlowRuntime runtime =
        start(
            adapter("it-http-idempotent", "http-it-idempotent", HttpOptions.defaults()),
            KafkaConnector.create(kafka.bootstrapServers()))) {
      int port = runtime.adminPort().orElseThrow();
      HttpRequest withKey =
          HttpRequest.newBuilder(post(port, "{\"message\":\"once\"}"), (name, value) -> true)
              .header("Idempotency-Key", "order-7")
              .build();

      HttpResponse<String> first = send(withKey);
      HttpResponse<String> retry = send(withKey);
      send(post(port, "{\"message\":\"after\"}"));

      assertEquals(202, first.statusCode(), first.body());
      assertEquals(202, retry.statusCode(), retry.body());
      assertTrue(retry.body().contains("\"duplicate\":true"), retry.body());
      List<ConsumerRecord<byte[], byte[]>> records =
          kafka.readAll("http-it-idempotent", 2, Duration.ofSeconds(60));
      assertEquals(
          List.of("once", "after"),
          records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList());
      assertEquals(
          "order-7",
          new String(
              records.get(0).headers().lastHeader(HttpOptions.IDEMPOTENCY_KEY_HEADER).value(),
              StandardCharsets.UTF_8));
    }
  }

  private static HttpRequest post(int port, String json) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/adapter"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .timeout(Duration.ofSeconds(60))
        .build();
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(request.method() + " " + request.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
