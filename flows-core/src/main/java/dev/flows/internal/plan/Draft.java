package dev.flows.internal.plan;

import dev.flows.FlowOptions;
import dev.flows.Topic;
import dev.flows.dsl.BatchFunction;
import java.util.ArrayList;
import java.util.List;

/**
 * What a builder chain has collected so far. Immutable: every step returns a new draft, so a
 * partial chain can be reused to build several flows.
 */
record Draft(
    String name,
    FlowOptions options,
    List<Topic<?, ?>> inputs,
    BatchFunction<Object, Object, Object, Object> batchFunction,
    List<Step> steps) {

  Draft withInput(Topic<?, ?> topic) {
    List<Topic<?, ?>> more = new ArrayList<>(inputs);
    more.add(topic);
    return new Draft(name, options, List.copyOf(more), batchFunction, steps);
  }

  Draft withBatch(BatchFunction<Object, Object, Object, Object> function) {
    return new Draft(name, options, inputs, function, steps);
  }

  Draft withStep(Step step) {
    List<Step> more = new ArrayList<>(steps);
    more.add(step);
    return new Draft(name, options, inputs, batchFunction, List.copyOf(more));
  }
}
