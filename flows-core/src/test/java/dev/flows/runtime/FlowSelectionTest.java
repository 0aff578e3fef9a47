package dev.flows.runtime;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.Flows;
import dev.flows.Join;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.format.Formats;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FlowSelectionTest {
  private static final Topic<String, String> ORDERS = topic("orders", string(), string());
  private static final Topic<String, String> REMAPPED =
      topic("orders-remapped", string(), string());
  private static final Topic<String, String> COUNTS = topic("order-counts", string(), string());

  private static final Flow REMAP = Flows.stateless("shop-orders-remap").from(ORDERS).to(REMAPPED);
  private static final Flow COUNT =
      Flows.stateful("shop-orders-count")
          .from(ORDERS)
          .state(StateSpec.of("order_count", Formats.longs(), () -> 0L))
          .apply((k, v, n) -> StateUpdate.set(n + 1, Long.toString(n + 1)))
          .to(COUNTS);
  private static final List<Flow> FLOWS = List.of(REMAP, COUNT);

  @Test
  void shouldRunEveryFlowInOrderWhenNoInstanceIsSet() {
    List<Flow> flows = new ArrayList<>(FLOWS);

    List<Flow> selected = FlowSelection.select(flows, Optional.empty());
    flows.clear();

    assertEquals(List.of(REMAP, COUNT), selected, "a copy, unaffected by the caller's list");
    assertThrows(UnsupportedOperationException.class, () -> selected.add(REMAP));
  }

  @Test
  void shouldRunNothingWhenThereIsNoFlowAndNoInstanceIsSet() {
    assertEquals(List.of(), FlowSelection.select(List.of(), Optional.empty()));
  }

  @Test
  void shouldRunOnlyTheNamedFlowWhenTheInstanceNamesOne() {
    assertEquals(List.of(COUNT), FlowSelection.select(FLOWS, Optional.of("shop-orders-count")));
    assertEquals(List.of(REMAP), FlowSelection.select(FLOWS, Optional.of("shop-orders-remap")));
  }

  @Test
  void shouldRunOneStepOfAJoinWhenTheInstanceNamesThatStep() {
    Join join =
        Flows.join("shop-orders-join")
            .through("shop-orders-join-intermediate")
            .state(StateSpec.of("order_join", Formats.longs(), () -> 0L))
            .on(ORDERS, (k, v) -> k, (k, v, n) -> StateUpdate.set(n + 1, Long.toString(n + 1)))
            .to(COUNTS);

    assertEquals(
        List.of(join.merge()),
        FlowSelection.select(join.flows(), Optional.of("shop-orders-join-merge")));
    assertEquals(
        List.of(join.apply()), FlowSelection.select(join.flows(), Optional.of("shop-orders-join")));
  }

  @Test
  void shouldNameTheValueAndEveryFlowWhenTheInstanceNamesNoFlow() {
    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class,
            () -> FlowSelection.select(FLOWS, Optional.of("Shop-Orders-Count")));

    assertEquals(
        "FLOWS_INSTANCE names no flow of this program, got 'Shop-Orders-Count': use one of"
            + " [shop-orders-remap, shop-orders-count] or unset it to run all",
        e.getMessage());
  }

  @Test
  void shouldSayThereIsNoFlowToChooseWhenTheProgramHasNoneAndAnInstanceIsSet() {
    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class,
            () -> FlowSelection.select(List.of(), Optional.of("shop-orders-count")));

    assertEquals(
        "FLOWS_INSTANCE names no flow of this program, got 'shop-orders-count': use one of []"
            + " or unset it to run all",
        e.getMessage());
  }
}
