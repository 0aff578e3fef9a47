package dev.flows.http;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.Flows;
import dev.flows.HttpOptions;
import dev.flows.KeyValue;
import dev.flows.Message;
import dev.flows.Topic;
import dev.flows.testing.FlowTestDriver;
import dev.flows.testing.TestResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Idempotency keys of http flows: a client's retry of an acknowledged request is published once.
 */
class HttpIdempotencyTest {
  private static final Topic<String, String> ORDERS = topic("shop-orders", string(), string());

  private static Flow intake(HttpOptions options) {
    return Flows.http("shop-orders-intake", options)
        .post("/orders", string())
        .map(
            body -> {
              if (body.equals("bad")) {
                throw new IllegalArgumentException("not an order");
              }
              return KeyValue.of(body, body);
            })
        .to(ORDERS);
  }

  private static TestResponse post(FlowTestDriver driver, Flow flow, String body, String key) {
    return driver.post(flow, "/orders", body.getBytes(StandardCharsets.UTF_8), key);
  }

  @Test
  void shouldPublishOnceAndAnswerTheRetry202AsADuplicateWhenTheKeyWasAcknowledged() {
    Flow flow = intake(HttpOptions.defaults());
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      TestResponse first = post(driver, flow, "order-1", "k-1");
      TestResponse retry = post(driver, flow, "order-1", "k-1");

      assertEquals(202, first.status(), first.body());
      assertEquals(202, retry.status(), retry.body());
      assertTrue(retry.body().contains("\"duplicate\":true"), retry.body());
      List<Message<String, String>> published = driver.output(ORDERS).readAll();
      assertEquals(1, published.size());
      assertEquals(
          "k-1",
          new String(
              published
                  .get(0)
                  .headers()
                  .lastValue(HttpOptions.IDEMPOTENCY_KEY_HEADER)
                  .orElseThrow(),
              StandardCharsets.UTF_8));
    }
  }

  @Test
  void shouldPublishRequestsWithDifferentKeysOrNoKeyEachTime() {
    Flow flow = intake(HttpOptions.defaults());
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      post(driver, flow, "order-1", "k-1");
      post(driver, flow, "order-1", "k-2");
      post(driver, flow, "order-1", null);
      post(driver, flow, "order-1", null);

      assertEquals(4, driver.output(ORDERS).readAll().size());
    }
  }

  @Test
  void shouldLetTheRetryPublishWhenTheFirstRequestWithTheKeyFailed() {
    Flow flow = intake(HttpOptions.defaults());
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      assertEquals(422, post(driver, flow, "bad", "k-1").status());
      assertEquals(202, post(driver, flow, "order-1", "k-1").status());

      assertEquals(List.of("order-1"), driver.output(ORDERS).readValues());
    }
  }

  @Test
  void shouldAnswer400NamingTheHeaderWhenTheKeyIsNotVisibleAscii() {
    Flow flow = intake(HttpOptions.defaults());
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      TestResponse response = post(driver, flow, "order-1", "two words");

      assertEquals(400, response.status());
      assertTrue(response.body().contains("Idempotency-Key must be 1 to 255 visible ASCII"));
      assertEquals(List.of(), driver.output(ORDERS).readAll());
    }
  }

  @Test
  void shouldIgnoreKeysWhenTheWindowIsZero() {
    Flow flow = intake(HttpOptions.defaults().withIdempotencyWindow(Duration.ZERO));
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      post(driver, flow, "order-1", "k-1");
      post(driver, flow, "order-1", "k-1");

      assertEquals(2, driver.output(ORDERS).readAll().size());
    }
  }

  @Test
  void shouldRefuseANegativeWindowSayingWhatToUse() {
    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class,
            () -> HttpOptions.defaults().withIdempotencyWindow(Duration.ofSeconds(-1)));

    assertTrue(e.getMessage().contains("use e.g. Duration.ofMinutes(10)"), e.getMessage());
  }
}
