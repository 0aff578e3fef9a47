package dev.flows;

import dev.flows.dsl.CollectorBuilder;
import dev.flows.dsl.CronBuilder;
import dev.flows.dsl.HttpBuilder;
import dev.flows.dsl.JoinBuilder;
import dev.flows.dsl.MaterialiseBuilder;
import dev.flows.dsl.StatefulBuilder;
import dev.flows.dsl.StatelessBuilder;
import dev.flows.dsl.TaskBuilder;
import dev.flows.internal.plan.CollectorSteps;
import dev.flows.internal.plan.CronSteps;
import dev.flows.internal.plan.HttpSteps;
import dev.flows.internal.plan.JoinSteps;
import dev.flows.internal.plan.MaterialiseSteps;
import dev.flows.internal.plan.StatefulSteps;
import dev.flows.internal.plan.StatelessStart;
import dev.flows.internal.plan.TaskSteps;

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

  /**
   * A stateless flow (map, filter, flatMap, merge, split, batch): at-least-once, default options.
   */
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

  /**
   * A stateful flow with the given options. With a concurrency above 1 the persistence ids of a
   * batch run in parallel, each id's records in offset order on one lane; the batch's rows are
   * still written in one statement before its outputs are published, in the same order as at
   * concurrency 1.
   */
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

  /**
   * A collector with the given options (the batch size bounds what is folded together). With a
   * concurrency above 1 the keys of a batch fold in parallel, each key's records in offset order on
   * one lane; the results are published in the same order as at concurrency 1.
   */
  public static CollectorBuilder collector(String name, FlowOptions options) {
    return CollectorSteps.start(FlowName.validate(name), require(options));
  }

  /**
   * A materialise flow: keeps a table up to date from a topic. Each batch becomes one write of the
   * runtime's {@link dev.flows.spi.TableSink} (PostgreSQL: one transaction of a few set-based
   * statements). It ends in {@code into}: one row per record key, the last record of a key in the
   * batch winning, a tombstone (null value) deleting the row; or in {@code intoRows}: any rows per
   * record ({@link RowChanges}: upserts, deletes by key or by some key columns) in a table whose
   * primary key may have several columns, the batch leaving the table as its records applied one by
   * one would. With an offset column a delete leaves a deleted marker that readers skip ({@code
   * WHERE NOT deleted}). Offsets are committed only after the rows are durable: at-least-once
   * delivery, idempotent writes; with an offset column ({@link TableSpec#withOffsetColumn(String)})
   * a replayed older record of the same partition never overwrites a newer row, row by row. A
   * record one of whose rows the database refuses for its values (invalid JSON, a value out of
   * range) is dead-lettered, none of its rows written and its keys keeping their previous change in
   * the batch, and the rest is written.
   *
   * <pre>{@code
   * Flow materialise = Flows.materialise("flows-word-materialise")
   *     .from(topic("word-count", string(), string()))
   *     .into(TableSpec.of("flows_materialised", Column.text("word"))
   *             .withColumn(Column.bigint("count"))
   *             .withOffsetColumn("updated_offset"),
   *         (word, count) -> Row.of("count", Long.parseLong(count)));
   * }</pre>
   */
  public static MaterialiseBuilder materialise(String name) {
    return materialise(name, FlowOptions.defaults());
  }

  /**
   * A materialise flow with the given options (the batch size bounds the rows of one write). A
   * concurrency above 1 is refused.
   */
  public static MaterialiseBuilder materialise(String name, FlowOptions options) {
    return MaterialiseSteps.start(
        FlowName.validate(name), sequential("materialise flow", name, options));
  }

  /**
   * A join of several topics into one keyed state: a stateless merge step onto an intermediate
   * topic plus a stateful step on it, deduplicating by source coordinates (see {@link Join}).
   */
  public static JoinBuilder join(String name) {
    return join(name, FlowOptions.defaults());
  }

  /**
   * A join whose two steps use the given options. Both run sequentially (see {@link Join#merge()}):
   * a concurrency above 1 is refused.
   */
  public static JoinBuilder join(String name, FlowOptions options) {
    return JoinSteps.start(FlowName.validate(name), sequential("join", name, options));
  }

  /**
   * A task flow: consumes a task queue with manual acknowledgement and runs a function per task on
   * worker threads, so long work never blocks a Kafka partition. At-least-once: a task is
   * acknowledged only after the function returned (and its result, if any, was acknowledged);
   * failures are retried with backoff, then dead-lettered to {@code <queue>.dlq}. Default options.
   */
  public static TaskBuilder task(String name) {
    return task(name, TaskOptions.defaults());
  }

  /** A task flow with the given concurrency, timeout and retries. */
  public static TaskBuilder task(String name, TaskOptions options) {
    if (options == null) {
      throw FlowDefinitionException.of("options", null, "is missing", "use TaskOptions.defaults()");
    }
    return TaskSteps.start(FlowName.validate(name), options);
  }

  /**
   * A cron flow: on a schedule (UTC, seconds included, or {@code @every}), produces a value and
   * publishes it to a task queue or a topic, awaiting the broker's confirmation. Firings missed
   * while stopped are skipped. Producing failures are retried under the default error policy.
   */
  public static CronBuilder cron(String name) {
    return CronSteps.start(FlowName.validate(name), FlowOptions.defaults());
  }

  /**
   * An http flow (HTTP adapter): serves one {@code POST} route on the runtime's admin HTTP port
   * ({@code FLOWS_HTTP_PORT}, so the runtime needs an admin port) and maps each request body to one
   * record on a topic. A request is answered {@code 202} only after Kafka acknowledged its record,
   * so a 2xx means the record is durably in Kafka; at-least-once: a client without a 2xx answer may
   * retry (and may so write a record twice). Errors answer a JSON body {@code {"error": "..."}}:
   * {@code 400} undecodable body, {@code 404} unknown path, {@code 405} not a POST, {@code 413}
   * body above {@link HttpOptions#maxBodyBytes()}, {@code 422} the mapping function threw (or
   * returned {@code null}, or its record could not be encoded or was refused by the broker as
   * invalid), {@code 503} the broker did not acknowledge within {@link HttpOptions#ackTimeout()} or
   * failed, the flow is stopping, or too many requests wait. Default {@link HttpOptions}.
   *
   * <pre>{@code
   * Flow adapter = Flows.http("flows-word-adapter")
   *     .post("/adapter", json(WordRequest.class))
   *     .map(request -> KeyValue.of(request.message(), request.message()))
   *     .to(topic("word", string(), string()));
   * }</pre>
   */
  public static HttpBuilder http(String name) {
    return http(name, HttpOptions.defaults());
  }

  /** An http flow with the given body limit and acknowledgement timeout. */
  public static HttpBuilder http(String name, HttpOptions options) {
    if (options == null) {
      throw FlowDefinitionException.of("options", null, "is missing", "use HttpOptions.defaults()");
    }
    return HttpSteps.start(FlowName.validate(name), options);
  }

  /**
   * Only stateless, stateful and collector flows run a batch's keys in parallel (key lanes); the
   * other kinds that take {@link FlowOptions} would silently ignore a concurrency above 1, so it is
   * refused.
   */
  private static FlowOptions sequential(String kind, String name, FlowOptions options) {
    require(options);
    if (options.concurrency() > 1) {
      throw FlowDefinitionException.of(
          "concurrency",
          options.concurrency(),
          "must be 1 for "
              + kind
              + " '"
              + name
              + "' (only stateless, stateful and collector flows run keys in parallel)",
          "remove withConcurrency("
              + options.concurrency()
              + ") (the default is 1), or move the I/O-bound work into a stateless flow");
    }
    return options;
  }

  private static FlowOptions require(FlowOptions options) {
    if (options == null) {
      throw FlowDefinitionException.of("options", null, "is missing", "use FlowOptions.defaults()");
    }
    return options;
  }
}
