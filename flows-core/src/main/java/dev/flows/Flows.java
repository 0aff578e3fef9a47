package dev.flows;

import dev.flows.dsl.CollectorBuilder;
import dev.flows.dsl.JoinBuilder;
import dev.flows.dsl.StatefulBuilder;
import dev.flows.dsl.StatelessBuilder;
import dev.flows.internal.plan.CollectorSteps;
import dev.flows.internal.plan.JoinSteps;
import dev.flows.internal.plan.StatefulSteps;
import dev.flows.internal.plan.StatelessStart;

/**
 * The entry point of the DSL. Each method starts a typed, immutable builder chain for one flow step
 * that ends in a {@link Flow}. Names are {@code app-domain-function} and are validated here.
 *
 * <pre>{@code
 * Flow remap = Flows.stateless("flows-word-remap")
 *     .from(topic("word", string(), string()))
 *     .mapValues(word -> word + " updated")
 *     .to(topic("word-updated", string(), string()));
 * }</pre>
 */
public final class Flows {
  private Flows() {}

  /** A stateless flow (map, filter, flatMap, merge, split, batch): at-least-once, default options. */
  public static StatelessBuilder stateless(String name) {
    return stateless(name, FlowOptions.defaults());
  }

  /** A stateless flow with the given options. */
  public static StatelessBuilder stateless(String name, FlowOptions options) {
    return new StatelessStart(FlowName.validate(name), require(options));
  }

  /**
   * A stateful flow: keyed state with effectively-once state update (a replayed record never
   * changes state twice) and at-least-once publishing of the outputs of committed state changes.
   */
  public static StatefulBuilder stateful(String name) {
    return stateful(name, FlowOptions.defaults());
  }

  /** A stateful flow with the given options. */
  public static StatefulBuilder stateful(String name, FlowOptions options) {
    return StatefulSteps.start(FlowName.validate(name), require(options));
  }

  /**
   * A collector: per key, folds the records of one microbatch in memory and emits one result per
   * key when the batch ends. Nothing is persisted; at-least-once (a replayed batch emits again).
   */
  public static CollectorBuilder collector(String name) {
    return collector(name, FlowOptions.defaults());
  }

  /** A collector with the given options (the batch size bounds what is folded together). */
  public static CollectorBuilder collector(String name, FlowOptions options) {
    return CollectorSteps.start(FlowName.validate(name), require(options));
  }

  /**
   * A join of several topics into one keyed state: a stateless merge step onto an intermediate topic
   * plus a stateful step on it, deduplicating by source coordinates (see {@link Join}).
   */
  public static JoinBuilder join(String name) {
    return join(name, FlowOptions.defaults());
  }

  /** A join whose two steps use the given options. */
  public static JoinBuilder join(String name, FlowOptions options) {
    return JoinSteps.start(FlowName.validate(name), require(options));
  }

  /**
   * A task flow: consumes a task queue with manual acknowledgement and runs a function per task on
   * worker threads, so long work never blocks a Kafka partition. At-least-once: a task is
   * acknowledged only after the function returned (and its result, if any, was acknowledged);
   * failures are retried with backoff, then dead-lettered to {@code <queue>.dlq}. Default options.
   */
  public static dev.flows.dsl.TaskBuilder task(String name) {
    return task(name, TaskOptions.defaults());
  }

  /** A task flow with the given concurrency, timeout and retries. */
  public static dev.flows.dsl.TaskBuilder task(String name, TaskOptions options) {
    if (options == null) {
      throw FlowDefinitionException.of("options", null, "is missing", "use TaskOptions.defaults()");
    }
    return dev.flows.internal.plan.TaskSteps.start(FlowName.validate(name), options);
  }

  /**
   * A cron flow: on a schedule (UTC, seconds included, or {@code @every}), produces a value and
   * publishes it to a task queue or a topic, awaiting the broker's confirmation. Firings missed
   * while stopped are skipped. Producing failures are retried under the default error policy.
   */
  public static dev.flows.dsl.CronBuilder cron(String name) {
    return dev.flows.internal.plan.CronSteps.start(FlowName.validate(name), FlowOptions.defaults());
  }

  private static FlowOptions require(FlowOptions options) {
    if (options == null) {
      throw FlowDefinitionException.of("options", null, "is missing", "use FlowOptions.defaults()");
    }
    return options;
  }
}
