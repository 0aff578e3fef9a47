package dev.flows.errors;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.DeadLetterHeaders;
import dev.flows.ErrorPolicy;
import dev.flows.FailureClass;
import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.FlowsException;
import dev.flows.Message;
import dev.flows.Topic;
import dev.flows.TransientException;
import dev.flows.testing.FlowTestDriver;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What each failure class does to a record, through the in-memory driver. */
class FailureClassFlowTest {
  private static final Topic<String, String> IN = topic("in", string(), string());
  private static final Topic<String, String> OUT = topic("out", string(), string());

  private final AtomicInteger calls = new AtomicInteger();

  private Flow flow(ErrorPolicy policy) {
    return Flows.stateless("test-failure-classes", FlowOptions.defaults().withErrorPolicy(policy))
        .from(IN)
        .mapValues(
            v -> {
              calls.incrementAndGet();
              switch (v) {
                case "bad" -> throw new IllegalArgumentException("bad value " + v);
                case "flaky" -> throw new IllegalStateException("flaky");
                case "down" -> throw new TransientException("dependency down", null);
                default -> {
                  return v;
                }
              }
            })
        .to(OUT);
  }

  @Test
  void shouldDeadLetterAtTheFirstAttemptWhenTheFailureIsMappedPermanent() {
    ErrorPolicy policy =
        ErrorPolicy.defaults()
            .withFailureClass(IllegalArgumentException.class, FailureClass.PERMANENT);
    try (FlowTestDriver driver = FlowTestDriver.of(flow(policy))) {
      driver.input(IN).pipe("k", "bad");

      List<Message<byte[], byte[]>> dead = driver.deadLetters();
      assertEquals(1, calls.get(), "no retry");
      assertEquals("1", header(dead.get(0), DeadLetterHeaders.ATTEMPTS));
      assertEquals("permanent", header(dead.get(0), DeadLetterHeaders.FAILURE_CLASS));
    }
  }

  @Test
  void shouldRetryAndThenDeadLetterWhenTheFailureIsRetryable() {
    try (FlowTestDriver driver = FlowTestDriver.of(flow(ErrorPolicy.defaults()))) {
      driver.input(IN).pipe("k", "flaky");

      List<Message<byte[], byte[]>> dead = driver.deadLetters();
      assertEquals(3, calls.get());
      assertEquals("3", header(dead.get(0), DeadLetterHeaders.ATTEMPTS));
      assertEquals("retryable", header(dead.get(0), DeadLetterHeaders.FAILURE_CLASS));
    }
  }

  @Test
  void shouldFailTheBatchAndDeadLetterNothingWhenTheFailureIsTransient() {
    try (FlowTestDriver driver = FlowTestDriver.of(flow(ErrorPolicy.defaults()))) {
      FlowsException e =
          assertThrows(FlowsException.class, () -> driver.input(IN).pipe("k", "down"));

      assertTrue(e.getMessage().contains("transient failure"), e.getMessage());
      assertEquals(1, calls.get(), "a transient failure is not retried inside the batch");
      assertEquals(List.of(), driver.deadLetters());
      assertEquals(List.of(), driver.output(OUT).readValues());
    }
  }

  private static String header(Message<byte[], byte[]> message, String key) {
    return message.headers().lastString(key).orElseThrow();
  }
}
