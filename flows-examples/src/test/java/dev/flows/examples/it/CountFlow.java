package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;

import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.dsl.StatefulSource;
import dev.flows.format.Formats;
import java.util.List;

/**
 * The stateful count the fault tests run, named after one test run so tests do not share topics or
 * tables. Output value: {@code <count>:<input value>}, so every input can be traced downstream.
 * State: the count as decimal text, so SQL can check it.
 *
 * @param run a short lower-case id of the test run
 * @param merged whether the count reads a second topic too ({@link #inputB()}), so rows are fed by
 *     partitions of two topics
 * @param concurrency the flow's concurrency: how many persistence ids of a batch it applies at once
 */
record CountFlow(String run, boolean merged, int concurrency) {
  /** The value that makes the state function throw. */
  static final String POISON = "poison";

  /** A count over one topic. */
  CountFlow(String run) {
    this(run, false);
  }

  /** A count over one topic, or over two merged ones, applying one id at a time. */
  CountFlow(String run, boolean merged) {
    this(run, merged, 1);
  }

  Topic<String, String> input() {
    return topic("it-" + run + "-in", string(), string());
  }

  /** The second input of a merged count. */
  Topic<String, String> inputB() {
    return topic("it-" + run + "-in-b", string(), string());
  }

  /** The topics it reads. */
  List<Topic<String, String>> inputs() {
    return merged ? List.of(input(), inputB()) : List.of(input());
  }

  Topic<String, String> output() {
    return topic("it-" + run + "-out", string(), string());
  }

  String name() {
    return "it-" + run + "-count";
  }

  String table() {
    return "it_" + run + "_count";
  }

  StateSpec<Long> state() {
    return StateSpec.of("count", Formats.longs(), () -> 0L).withTable(table());
  }

  /**
   * The count; with {@code blockOn} set, that record prints IN_BATCH and waits for a line on stdin.
   */
  Flow flow(String blockOn) {
    StatefulSource<String, String> source =
        Flows.stateful(
                name(), FlowOptions.defaults().withMaxRecords(500).withConcurrency(concurrency))
            .from(input());
    return (merged ? source.merge(inputB()) : source)
        .state(state())
        .apply(
            (key, value, count) -> {
              if (value.equals(POISON)) {
                throw new IllegalArgumentException("poison record for " + key);
              }
              if (value.equals(blockOn)) {
                InBatch.awaitLine();
              }
              long next = count + 1;
              return StateUpdate.set(next, next + ":" + value);
            })
        .to(output());
  }
}
