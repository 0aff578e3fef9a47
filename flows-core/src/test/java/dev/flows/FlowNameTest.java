package dev.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class FlowNameTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "shop-orders-count",
        "a-b-c",
        "flows-word-remap",
        "app2-domain3-function4",
        "shop-orders-count-v2",
        "a1-2-3"
      })
  void shouldAcceptTheNameWhenItIsAppDomainFunction(String name) {
    assertEquals(name, FlowName.validate(name));
    assertEquals(name, Flows.stateless(name).from(Topic.topic("in")).to(Topic.topic("out")).name());
  }

  @Test
  void shouldAcceptTheNameWhenItIsExactlyMaxLength() {
    String name = "shop-orders-" + "x".repeat(FlowName.MAX_LENGTH - "shop-orders-".length());

    assertEquals(FlowName.MAX_LENGTH, name.length());
    assertEquals(name, FlowName.validate(name));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "shop-orders", "shoporderscount", "Shop-orders-count", "shop--orders-count",
            "shop-orders-count-",
        "-shop-orders-count", "1shop-orders-count", "shop_orders_count", "shop.orders.count",
            "shop-orders-cöunt",
        "shop orders count", "shop-Orders-count"
      })
  void shouldRejectTheNameAndExplainTheShapeWhenItIsNotAppDomainFunction(String name) {
    FlowDefinitionException e =
        assertThrows(FlowDefinitionException.class, () -> FlowName.validate(name));

    assertEquals(
        "flow name is not app-domain-function, got '"
            + name
            + "': use at least three lower-case segments "
            + "[a-z0-9] joined by '-', starting with a letter, e.g. shop-orders-count",
        e.getMessage());
  }

  @ParameterizedTest
  @NullAndEmptySource
  void shouldRejectTheNameAndShowAnExampleWhenItIsMissing(String name) {
    FlowDefinitionException e =
        assertThrows(FlowDefinitionException.class, () -> FlowName.validate(name));

    String shown = name == null ? "null" : "''";
    assertEquals(
        "flow name is missing, got "
            + shown
            + ": name it app-domain-function, e.g. shop-orders-count",
        e.getMessage());
  }

  @Test
  void shouldRejectTheNameAndSayShortenItWhenLongerThanMaxLength() {
    String name = "shop-orders-" + "x".repeat(FlowName.MAX_LENGTH + 1 - "shop-orders-".length());

    FlowDefinitionException e =
        assertThrows(FlowDefinitionException.class, () -> FlowName.validate(name));

    assertEquals(
        "flow name is longer than 48 characters, got '" + name + "': shorten it", e.getMessage());
  }

  @Test
  void shouldValidateTheNameWhenAnyKindOfFlowStarts() {
    String bad = "Bad_Name";
    for (Runnable start :
        Arrays.<Runnable>asList(
            () -> Flows.stateless(bad),
            () -> Flows.stateful(bad),
            () -> Flows.collector(bad),
            () -> Flows.join(bad))) {
      FlowDefinitionException e = assertThrows(FlowDefinitionException.class, start::run);
      assertTrue(
          e.getMessage().startsWith("flow name is not app-domain-function, got 'Bad_Name'"),
          e.getMessage());
    }
  }

  @Test
  void shouldRejectAJoinWhenItsMergeStepNameWouldBeTooLong() {
    String name = "shop-orders-" + "x".repeat(FlowName.MAX_LENGTH - "shop-orders-".length());

    FlowDefinitionException e = assertThrows(FlowDefinitionException.class, () -> Flows.join(name));

    assertTrue(e.getMessage().contains(name + "-merge"), e.getMessage());
  }

  @Test
  void shouldRejectMissingOptionsAndNameTheFixWhenAFlowStarts() {
    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class, () -> Flows.stateless("shop-orders-count", null));

    assertEquals("options is missing, got null: use FlowOptions.defaults()", e.getMessage());
  }
}
