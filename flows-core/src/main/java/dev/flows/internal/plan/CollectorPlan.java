package dev.flows.internal.plan;

import dev.flows.FlowKind;
import dev.flows.FlowOptions;
import dev.flows.Message;
import dev.flows.Topic;
import dev.flows.dsl.KeyValueMapper;
import dev.flows.dsl.MessageAggregator;
import java.util.List;
import java.util.function.Supplier;

/** A collector plan: per batch and key, fold records, then emit one result. */
public final class CollectorPlan extends Plan {
  private final Supplier<?> initial;
  private final MessageAggregator<Object, Object, Object> aggregator;
  private final KeyValueMapper<Object, Object, ?> collector;

  @SuppressWarnings("unchecked")
  CollectorPlan(
      String name,
      FlowOptions options,
      List<Topic<?, ?>> inputs,
      Supplier<?> initial,
      MessageAggregator<?, ?, ?> aggregator,
      KeyValueMapper<?, ?, ?> collector,
      Topic<?, ?> output) {
    super(name, FlowKind.COLLECTOR, options, inputs, List.of(output));
    this.initial = initial;
    this.aggregator = (MessageAggregator<Object, Object, Object>) aggregator;
    this.collector = (KeyValueMapper<Object, Object, ?>) collector;
  }

  /** A fresh accumulator. */
  public Object initial() {
    return initial.get();
  }

  /** Folds one decoded record. */
  public Object aggregate(Message<Object, Object> record, Object accumulator) throws Exception {
    return aggregator.apply(record, accumulator);
  }

  /** The result of one key. */
  public Object collect(Object key, Object accumulator) throws Exception {
    return collector.apply(key, accumulator);
  }

  @Override
  public <R> R accept(PlanVisitor<R> visitor) {
    return visitor.collector(this);
  }

  @Override
  List<String> stepLabels() {
    return List.of("aggregate per key and batch", "collect");
  }
}
