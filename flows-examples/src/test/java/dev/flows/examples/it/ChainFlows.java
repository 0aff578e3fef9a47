package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;

import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.format.Formats;
import java.util.List;

/**
 * Three flows chained through topics, as a service split into steps: a stateless step tags each
 * input ({@code in} to {@code tagged}), a stateful step counts per key ({@code tagged} to {@code
 * counted}, value {@code <count>:<tagged value>}, state in PostgreSQL), and a stateless step marks
 * each count done ({@code counted} to {@code out}). Every output of {@code out} names its input and
 * its count, so a duplicate or a gap anywhere in the chain shows at its end.
 *
 * @param run a short lower-case id of the test run
 */
record ChainFlows(String run) {
  Topic<String, String> input() {
    return topic("it-" + run + "-in", string(), string());
  }

  Topic<String, String> tagged() {
    return topic("it-" + run + "-tagged", string(), string());
  }

  Topic<String, String> counted() {
    return topic("it-" + run + "-counted", string(), string());
  }

  Topic<String, String> output() {
    return topic("it-" + run + "-out", string(), string());
  }

  /** Every topic of the chain, in order. */
  List<Topic<String, String>> topics() {
    return List.of(input(), tagged(), counted(), output());
  }

  String table() {
    return "it_" + run + "_chain";
  }

  /** The names of the three flows: tag, count, done. */
  List<String> names() {
    return List.of("it-" + run + "-tag", "it-" + run + "-count", "it-" + run + "-done");
  }

  /**
   * The three flows, each leaving its guarantee to the runtime; with {@code blockOn} set, the tag
   * step's record of that value prints IN_BATCH and waits for a line on stdin.
   */
  List<Flow> flows(String blockOn) {
    FlowOptions options = FlowOptions.defaults().withMaxRecords(500);
    Flow tag =
        Flows.stateless(names().get(0), options)
            .from(input())
            .mapValues(
                v -> {
                  if (v.equals(blockOn)) {
                    InBatch.awaitLine();
                  }
                  return "t" + v;
                })
            .to(tagged());
    Flow count =
        Flows.stateful(names().get(1), options)
            .from(tagged())
            .state(StateSpec.of("count", Formats.longs(), () -> 0L).withTable(table()))
            .apply((key, value, n) -> StateUpdate.set(n + 1, (n + 1) + ":" + value))
            .to(counted());
    Flow done =
        Flows.stateless(names().get(2), options)
            .from(counted())
            .mapValues(v -> "done " + v)
            .to(output());
    return List.of(tag, count, done);
  }
}
