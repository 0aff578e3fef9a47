package dev.flows.internal.runtime;

import static dev.flows.Queue.queue;
import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.Guarantee;
import dev.flows.Queue;
import dev.flows.Topic;
import dev.flows.runtime.FlowsConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which guarantee each flow runs with: decided once, in {@link RuntimeSettings#guaranteeOf}. */
class GuaranteeChoiceTest {
  private static final Topic<String, String> ORDERS = topic("shop-orders", string(), string());
  private static final Topic<String, String> OUT = topic("shop-orders-out", string(), string());
  private static final Queue<String> RESIZE = queue("shop-images-resize", string());
  private static final FlowOptions EXACTLY_ONCE =
      FlowOptions.defaults().withGuarantee(Guarantee.EXACTLY_ONCE);

  @Test
  void shouldFollowTheRuntimeWhenTheFlowLeavesItToTheRuntime() {
    Flow copy = Flows.stateless("shop-orders-copy").from(ORDERS).to(OUT);

    assertEquals(Guarantee.AT_LEAST_ONCE, settings(Guarantee.AT_LEAST_ONCE).guaranteeOf(copy));
    assertEquals(Guarantee.EXACTLY_ONCE, settings(Guarantee.EXACTLY_ONCE).guaranteeOf(copy));
  }

  @Test
  void shouldKeepTheFlowsOwnChoiceWhateverTheRuntimeSays() {
    Flow atLeastOnce =
        Flows.stateless(
                "shop-orders-copy", FlowOptions.defaults().withGuarantee(Guarantee.AT_LEAST_ONCE))
            .from(ORDERS)
            .to(OUT);
    Flow exactlyOnce = Flows.stateless("shop-orders-copy", EXACTLY_ONCE).from(ORDERS).to(OUT);

    assertEquals(
        Guarantee.AT_LEAST_ONCE, settings(Guarantee.EXACTLY_ONCE).guaranteeOf(atLeastOnce));
    assertEquals(
        Guarantee.EXACTLY_ONCE, settings(Guarantee.AT_LEAST_ONCE).guaranteeOf(exactlyOnce));
  }

  @Test
  void shouldLeaveFlowsThatCannotBeExactlyOnceAtLeastOnceUnderAnExactlyOnceRuntime() {
    Flow bridge = Flows.stateless("shop-orders-enqueue").from(ORDERS).toQueue(RESIZE);
    Flow sweep =
        Flows.cron("shop-images-sweep").schedule("* * * * * *").produce(() -> "x").toQueue(RESIZE);

    RuntimeSettings runtime = settings(Guarantee.EXACTLY_ONCE);

    assertEquals(Guarantee.AT_LEAST_ONCE, runtime.guaranteeOf(bridge));
    assertEquals(Guarantee.AT_LEAST_ONCE, runtime.guaranteeOf(sweep));
  }

  @Test
  void shouldRefuseAFlowThatAsksForExactlyOnceAndWritesToATaskQueueSayingWhyAndWhatToDo() {
    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class,
            () ->
                Flows.stateless("shop-orders-enqueue", EXACTLY_ONCE).from(ORDERS).toQueue(RESIZE));

    assertTrue(e.getMessage().startsWith("guarantee cannot hold for flow"), e.getMessage());
    assertTrue(e.getMessage().contains("RabbitMQ cannot take part in a Kafka transaction"));
    assertTrue(e.getMessage().contains("use Guarantee.AT_LEAST_ONCE"), e.getMessage());
  }

  @Test
  void shouldRefuseARuntimeThatLeavesItsOwnDefaultOpen() {
    RuntimeSettings open = settings(Guarantee.RUNTIME_DEFAULT);

    FlowDefinitionException e = assertThrows(FlowDefinitionException.class, open::validate);

    assertEquals(
        "guarantee must say what the runtime's flows default to, got RUNTIME_DEFAULT: use"
            + " Guarantee.AT_LEAST_ONCE or Guarantee.EXACTLY_ONCE",
        e.getMessage());
  }

  @Test
  void shouldReadTheRuntimesGuaranteeFromTheEnvironmentAndRefuseAnUnknownOne() {
    assertEquals(Guarantee.AT_LEAST_ONCE, FlowsConfig.from(Map.of()).guarantee());
    assertEquals(
        Guarantee.EXACTLY_ONCE,
        FlowsConfig.from(Map.of("FLOWS_PROCESSING_GUARANTEE", "exactly_once")).guarantee());
    assertEquals(
        Guarantee.EXACTLY_ONCE,
        FlowsConfig.from(Map.of("FLOWS_PROCESSING_GUARANTEE", "Exactly-Once")).guarantee());

    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class,
            () -> FlowsConfig.from(Map.of("FLOWS_PROCESSING_GUARANTEE", "exactly_twice")));

    assertEquals(
        "FLOWS_PROCESSING_GUARANTEE is not a processing guarantee, got 'exactly_twice': use"
            + " at_least_once or exactly_once",
        e.getMessage());
  }

  @Test
  void shouldNameTheGuaranteeInDescriptions() {
    Flow copy = Flows.stateless("shop-orders-copy", EXACTLY_ONCE).from(ORDERS).to(OUT);

    assertTrue(
        copy.describe().toString().contains("guarantee=exactly-once"), copy.describe()::toString);
  }

  private static RuntimeSettings settings(Guarantee guarantee) {
    return RuntimeSettings.of(
            List.of(Flows.stateless("shop-orders-copy").from(ORDERS).to(OUT)),
            Duration.ofSeconds(30))
        .toBuilder()
        .guarantee(guarantee)
        .build();
  }
}
