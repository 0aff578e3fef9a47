package dev.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flows.ErrorPolicy.Exhausted;
import dev.flows.format.Formats;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class OptionsTest {
  private static final FlowOptions DEFAULTS = FlowOptions.defaults();
  private static final ErrorPolicy POLICY = ErrorPolicy.defaults();

  @Test
  void shouldHoldTheDocumentedValuesWhenDefaults() {
    assertEquals(
        new FlowOptions(5_000, Duration.ofMillis(100), 0, 1, ErrorPolicy.defaults()), DEFAULTS);
    assertEquals(
        new ErrorPolicy(
            3, Duration.ofMillis(100), Duration.ofSeconds(2), Exhausted.DEAD_LETTER, null),
        POLICY);
  }

  @Test
  void shouldReturnChangedCopiesAndLeaveTheOriginalWhenWithersAreCalled() {
    ErrorPolicy failFast = ErrorPolicy.failFast();
    FlowOptions changed =
        DEFAULTS
            .withMaxRecords(10)
            .withMaxWait(Duration.ofSeconds(1))
            .withMaxPerKey(3)
            .withConcurrency(8)
            .withErrorPolicy(failFast);

    assertEquals(new FlowOptions(10, Duration.ofSeconds(1), 3, 8, failFast), changed);
    assertEquals(FlowOptions.defaults(), DEFAULTS);
    assertNotEquals(DEFAULTS, changed);
  }

  @Test
  void shouldStopAtTheFirstFailureWithoutDeadLettersWhenFailFast() {
    ErrorPolicy failFast = ErrorPolicy.failFast();

    assertEquals(1, failFast.maxAttempts());
    assertEquals(Exhausted.FAIL, failFast.onExhausted());
  }

  @Test
  void shouldReturnChangedErrorPolicyCopiesWhenWithersAreCalled() {
    ErrorPolicy changed =
        POLICY
            .withMaxAttempts(5)
            .withBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
            .withOnExhausted(Exhausted.FAIL)
            .withDeadLetterTopic("shop.dead");

    assertEquals(
        new ErrorPolicy(
            5, Duration.ofMillis(10), Duration.ofMillis(50), Exhausted.FAIL, "shop.dead"),
        changed);
    assertNull(POLICY.deadLetterTopic());
  }

  @Test
  void shouldReadTheRetryTopicWithTheFirstInputsFormatsWhenOptedIn() {
    Topic<String, String> in = Topic.topic("shop-in", Formats.string(), Formats.string());
    FlowOptions options = DEFAULTS.withErrorPolicy(POLICY.withRetryTopic());

    Flow flow = Flows.stateless("shop-orders-check", options).from(in).to(in("shop-out"));

    assertEquals(
        "[shop-in [string, string], shop-orders-check.retry [string, string]]",
        flow.inputs().toString());
    assertEquals(false, POLICY.retryTopic());
  }

  @Test
  void shouldRefuseTheRetryTopicWhenTheFlowIsNotStatelessOrItsInputsDiffer() {
    FlowOptions options = DEFAULTS.withErrorPolicy(POLICY.withRetryTopic());
    String fix =
        ": only stateless flows (not joins) whose inputs share one format may read a retry topic:"
            + " remove withRetryTopic() from its ErrorPolicy";
    assertMessage(
        "retryTopic needs inputs of one format, but shop-a [string, string] and shop-b [string,"
            + " json(String)] differ, in the flow shop-orders-check, got true"
            + fix,
        () ->
            Flows.stateless("shop-orders-check", options)
                .from(in("shop-a"))
                .merge(Topic.topic("shop-b", Formats.string(), Formats.json(String.class)))
                .to(in("shop-out")));
  }

  private static Topic<String, String> in(String name) {
    return Topic.topic(name, Formats.string(), Formats.string());
  }

  @Test
  void shouldNameSettingValueAndFixWhenMaxRecordsIsBelowOne() {
    assertMessage(
        "maxRecords must be at least 1, got 0: use e.g. 5000", () -> DEFAULTS.withMaxRecords(0));
    assertMessage(
        "maxRecords must be at least 1, got -5: use e.g. 5000", () -> DEFAULTS.withMaxRecords(-5));
  }

  @Test
  void shouldNameSettingValueAndFixWhenMaxWaitIsNotPositive() {
    assertMessage(
        "maxWait must be a positive duration, got PT0S: use e.g. Duration.ofMillis(100)",
        () -> DEFAULTS.withMaxWait(Duration.ZERO));
    assertMessage(
        "maxWait must be a positive duration, got PT-0.001S: use e.g. Duration.ofMillis(100)",
        () -> DEFAULTS.withMaxWait(Duration.ofMillis(-1)));
    assertMessage(
        "maxWait must be a positive duration, got null: use e.g. Duration.ofMillis(100)",
        () -> DEFAULTS.withMaxWait(null));
  }

  @Test
  void shouldNameSettingValueAndFixWhenMaxPerKeyIsNegative() {
    assertMessage(
        "maxPerKey must not be negative, got -1: use 0 for no per-key limit",
        () -> DEFAULTS.withMaxPerKey(-1));
  }

  @Test
  void shouldNameSettingValueAndFixWhenConcurrencyIsOutOfRange() {
    assertMessage(
        "concurrency must be between 1 and 1000, got 0: use 1 for sequential processing",
        () -> DEFAULTS.withConcurrency(0));
    assertMessage(
        "concurrency must be between 1 and 1000, got 1001: use 1 for sequential processing",
        () -> DEFAULTS.withConcurrency(FlowOptions.MAX_CONCURRENCY + 1));
    assertEquals(
        FlowOptions.MAX_CONCURRENCY,
        DEFAULTS.withConcurrency(FlowOptions.MAX_CONCURRENCY).concurrency());
  }

  @Test
  void shouldRefuseConcurrencyWhenTheFlowKindRunsKeysOneAfterAnother() {
    FlowOptions four = DEFAULTS.withConcurrency(4);
    String fix =
        ", got 4: remove withConcurrency(4) (the default is 1), or move the I/O-bound work"
            + " into a stateless flow";
    String why = " (only stateless, stateful and collector flows run keys in parallel)";
    assertMessage(
        "concurrency must be 1 for materialise flow 'shop-orders-table'" + why + fix,
        () -> Flows.materialise("shop-orders-table", four));
    assertMessage(
        "concurrency must be 1 for join 'shop-orders-join'" + why + fix,
        () -> Flows.join("shop-orders-join", four));
  }

  @Test
  void shouldAcceptConcurrencyWhenTheFlowRunsKeysInParallelOrTheOthersRunSequentially() {
    Topic<String, String> orders = Topic.topic("orders", Formats.string(), Formats.string());
    Topic<String, String> enriched =
        Topic.topic("orders-enriched", Formats.string(), Formats.string());
    assertEquals(
        4,
        Flows.stateless("shop-orders-enrich", DEFAULTS.withConcurrency(4))
            .from(orders)
            .to(enriched)
            .options()
            .concurrency());
    assertEquals(
        8,
        Flows.stateful("shop-orders-count", DEFAULTS.withConcurrency(8))
            .from(orders)
            .state(StateSpec.of("count", Formats.longs(), () -> 0L))
            .apply((key, value, n) -> StateUpdate.set(n + 1, Long.toString(n + 1)))
            .to(enriched)
            .options()
            .concurrency());
    assertEquals(
        8,
        Flows.collector("shop-orders-sum", DEFAULTS.withConcurrency(8))
            .from(orders)
            .aggregate(() -> 0L, (key, value, sum) -> sum + 1)
            .collect((key, sum) -> Long.toString(sum))
            .to(enriched)
            .options()
            .concurrency());
    FlowOptions one = DEFAULTS.withConcurrency(1);
    Flows.materialise("shop-orders-table", one);
    Flows.join("shop-orders-join", one);
  }

  @Test
  void shouldNameSettingAndFixWhenErrorPolicyIsMissing() {
    assertMessage(
        "errorPolicy is missing, got null: use ErrorPolicy.defaults()",
        () -> DEFAULTS.withErrorPolicy(null));
  }

  @Test
  void shouldNameSettingValueAndFixWhenMaxAttemptsIsBelowOne() {
    assertMessage(
        "maxAttempts must be at least 1, got 0: use 1 for no retries",
        () -> POLICY.withMaxAttempts(0));
  }

  @Test
  void shouldNameSettingValueAndFixWhenABackoffIsNotPositive() {
    assertMessage(
        "initialBackoff must be a positive duration, got PT0S: use e.g. Duration.ofMillis(100)",
        () -> POLICY.withBackoff(Duration.ZERO, Duration.ofSeconds(1)));
    assertMessage(
        "maxBackoff must be a positive duration, got null: use e.g. Duration.ofMillis(100)",
        () -> POLICY.withBackoff(Duration.ofMillis(1), null));
  }

  @Test
  void shouldNameBothBackoffsAndTheFixWhenMaxBackoffIsShorterThanInitial() {
    assertMessage(
        "maxBackoff is shorter than initialBackoff PT1S, got PT0.5S: raise maxBackoff",
        () -> POLICY.withBackoff(Duration.ofSeconds(1), Duration.ofMillis(500)));
  }

  @Test
  void shouldNameSettingAndChoicesWhenOnExhaustedIsMissing() {
    assertMessage(
        "onExhausted is missing, got null: use DEAD_LETTER or FAIL",
        () -> POLICY.withOnExhausted(null));
  }

  @Test
  void shouldDoubleTheBackoffAfterEachFailedAttemptUpToTheCap() {
    ErrorPolicy policy = POLICY.withBackoff(Duration.ofMillis(100), Duration.ofMillis(1_000));

    assertEquals(Duration.ofMillis(100), policy.backoffAfter(1));
    assertEquals(Duration.ofMillis(200), policy.backoffAfter(2));
    assertEquals(Duration.ofMillis(400), policy.backoffAfter(3));
    assertEquals(Duration.ofMillis(800), policy.backoffAfter(4));
    assertEquals(Duration.ofMillis(1_000), policy.backoffAfter(5), "capped at maxBackoff");
    assertEquals(Duration.ofMillis(1_000), policy.backoffAfter(6));
  }

  @Test
  void shouldStayAtTheCapWhenAttemptsGrowBeyondWhatDoublingCanHold() {
    ErrorPolicy policy = POLICY.withBackoff(Duration.ofMillis(100), Duration.ofHours(1));

    for (int attempt : new int[] {31, 32, 63, 64, 1_000, Integer.MAX_VALUE}) {
      assertEquals(
          Duration.ofHours(1), policy.backoffAfter(attempt), "after " + attempt + " attempts");
    }
  }

  @Test
  void shouldStayWithinTheCapWhenTheInitialBackoffIsHuge() {
    ErrorPolicy policy = POLICY.withBackoff(Duration.ofDays(200), Duration.ofDays(400));

    assertEquals(Duration.ofDays(200), policy.backoffAfter(1));
    assertEquals(Duration.ofDays(400), policy.backoffAfter(2));
    assertEquals(Duration.ofDays(400), policy.backoffAfter(40));
    assertEquals(
        Duration.ofDays(200), policy.backoffAfter(0), "attempt numbers below 1 count as 1");
  }

  @Test
  void shouldWaitTheInitialBackoffEveryTimeWhenInitialEqualsMax() {
    ErrorPolicy policy = POLICY.withBackoff(Duration.ofMillis(250), Duration.ofMillis(250));

    assertEquals(Duration.ofMillis(250), policy.backoffAfter(1));
    assertEquals(Duration.ofMillis(250), policy.backoffAfter(10));
  }

  private static void assertMessage(String expected, Executable build) {
    FlowDefinitionException e = assertThrows(FlowDefinitionException.class, build);
    assertEquals(expected, e.getMessage());
  }
}
