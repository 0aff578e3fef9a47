package dev.flows.bench;

import static dev.flows.Queue.queue;
import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;

import dev.flows.Column;
import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.Guarantee;
import dev.flows.Row;
import dev.flows.SessionWindows;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.TableSpec;
import dev.flows.TaskOptions;
import dev.flows.Windowed;
import dev.flows.Windows;
import dev.flows.dsl.StatefulOutput;
import dev.flows.format.Format;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.postgres.PostgresTableSink;
import dev.flows.rabbitmq.RabbitTaskQueue;
import dev.flows.runtime.FlowRuntime;
import dev.flows.runtime.FlowsConfig;
import dev.flows.spi.StateStore;
import dev.flows.state.InMemoryStateStore;
import dev.flows.testkit.RecoveryMarks;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/** The Flows contenders, run inside a child JVM until the parent stops it. */
final class FlowsContender {
  private FlowsContender() {}

  /**
   * {@code flows-map}: the stateless map with batches of {@code maxRecords}, exactly-once with
   * {@code guarantee=exactly_once}.
   */
  static void stateless(Params p) {
    Flow flow =
        Flows.stateless(p.get("name"), options(p))
            .from(topic(p.get("in"), string(), string()))
            .mapValues(v -> Work.map(Marks.first(v)))
            .to(topic(p.get("out"), string(), string()));
    run(FlowRuntime.builder(flow).connector(KafkaConnector.create(p.get("bootstrap"))));
  }

  /**
   * {@code flows-count}: the per-key count, on PostgreSQL ({@code store=postgres}) or in memory,
   * exactly-once with {@code guarantee=exactly_once}.
   */
  static void count(Params p) {
    run(
        FlowRuntime.builder(countFlow(p))
            .connector(KafkaConnector.create(p.get("bootstrap")))
            .stateStore(store(p)));
  }

  /**
   * {@code flows-windowed-count}: the count per word and {@link #windows()} window, on PostgreSQL
   * ({@code store=postgres}) or in memory, at-least-once.
   */
  static void windowedCount(Params p) {
    Flow flow =
        Flows.stateful(p.get("name"), options(p))
            .from(topic(p.get("in"), string(), string()))
            .windowedBy(windows())
            .state(StateSpec.of("count", countFormat(), () -> 0L).withTable(p.get("table")))
            .apply(
                (window, value, count) -> {
                  Marks.first(value);
                  long next = count + 1;
                  return StateUpdate.set(next, Long.toString(next));
                })
            .to(topic(p.get("out"), Windowed.format(string()), string()));
    run(
        FlowRuntime.builder(flow)
            .connector(KafkaConnector.create(p.get("bootstrap")))
            .stateStore(store(p)));
  }

  /**
   * The windows of {@code flows-windowed-count}, the one place that chooses its emission: final
   * results ({@link Windows#emitOnClose()}), as Kafka Streams' {@code suppress(untilWindowCloses)}.
   */
  static Windows windows() {
    return Windows.tumbling(WindowedScenario.WINDOW)
        .withGrace(WindowedScenario.GRACE)
        .emitOnClose();
  }

  /**
   * {@code flows-session-count}: the count per word and {@link #sessions()} session, the counts of
   * merged sessions summed, on PostgreSQL ({@code store=postgres}) or in memory, at-least-once.
   */
  static void sessionCount(Params p) {
    Flow flow =
        Flows.stateful(p.get("name"), options(p))
            .from(topic(p.get("in"), string(), string()))
            .windowedBy(sessions())
            .state(
                StateSpec.of("count", countFormat(), () -> 0L).withTable(p.get("table")),
                (word, earlier, later) -> earlier + later)
            .apply(
                (session, value, count) -> {
                  Marks.first(value);
                  long next = count + 1;
                  return StateUpdate.set(next, Long.toString(next));
                })
            .to(topic(p.get("out"), Windowed.format(string()), string()));
    run(
        FlowRuntime.builder(flow)
            .connector(KafkaConnector.create(p.get("bootstrap")))
            .stateStore(store(p)));
  }

  /**
   * The sessions of {@code flows-session-count}: final results ({@link
   * SessionWindows#emitOnClose()}), as Kafka Streams' {@code suppress(untilWindowCloses)}.
   */
  static SessionWindows sessions() {
    return SessionWindows.withGap(SessionScenario.GAP)
        .withGrace(SessionScenario.GRACE)
        .emitOnClose();
  }

  /** PostgreSQL with {@code store=postgres}, otherwise memory. */
  private static StateStore store(Params p) {
    return p.get("store").equals("postgres")
        ? PostgresStateStore.create(p.get("pgUrl"), null, null)
        : InMemoryStateStore.create();
  }

  /**
   * {@code flows-recovery}: the count on PostgreSQL with the connector built from the environment
   * as {@code FlowsMain} builds it ({@code FLOWS_INSTANCE_ID}, {@code FLOWS_LEAVE_GROUP_ON_STOP},
   * {@code FLOWS_KAFKA_*}), printing {@link RecoveryMarks}; drains and exits on SIGTERM.
   */
  static void recovering(Params p) {
    try (PostgresStateStore store = PostgresStateStore.create(p.get("pgUrl"), null, null)) {
      FlowRuntime.builder(countFlow(p))
          .connector(RecoveryMarks.around(KafkaConnector.create(FlowsConfig.fromEnv())))
          .stateStore(store)
          .build()
          .runUntilShutdown();
    }
  }

  /**
   * The count of {@code flows-count} and {@code flows-recovery}; with {@code concurrency=n} on
   * {@code n} key lanes, with {@code ioMs=m} sleeping {@code m} ms per record, as an I/O call
   * would; with {@code latest=true} publishing each batch's last count per key.
   */
  private static Flow countFlow(Params p) {
    long ioMillis = p.integer("ioMs", 0);
    StatefulOutput<String, String> counts =
        Flows.stateful(p.get("name"), options(p).withConcurrency(p.integer("concurrency", 1)))
            .from(topic(p.get("in"), string(), string()))
            .state(StateSpec.of("count", countFormat(), () -> 0L).withTable(p.get("table")))
            .apply(
                (key, value, count) -> {
                  Marks.first(value);
                  if (ioMillis > 0) {
                    Work.io(ioMillis);
                  }
                  long next = count + 1;
                  return StateUpdate.set(next, Long.toString(next));
                });
    return (p.flag("latest") ? counts.emitLatestPerBatch() : counts)
        .to(topic(p.get("out"), string(), string()));
  }

  /**
   * {@code flows-materialise}: upserts each record as a row (id = key, value) into {@code table}.
   */
  static void materialise(Params p) {
    TableSpec table =
        TableSpec.of(p.get("table"), Column.text("id")).withColumn(Column.text("value"));
    Flow flow =
        Flows.materialise(p.get("name"))
            .from(topic(p.get("in"), string(), string()))
            .into(table, (key, value) -> Row.of("value", Marks.first(value)));
    run(
        FlowRuntime.builder(flow)
            .connector(KafkaConnector.create(p.get("bootstrap")))
            .tableSink(PostgresTableSink.create(p.get("pgUrl"), null, null)));
  }

  /** {@code flows-slow}: the I/O-bound map at {@code concurrency} key lanes. */
  static void ioBound(Params p) {
    long millis = p.integer("sleepMs");
    Flow flow =
        Flows.stateless(
                p.get("name"), FlowOptions.defaults().withConcurrency(p.integer("concurrency")))
            .from(topic(p.get("in"), string(), string()))
            .mapValues(v -> Work.slowMap(Marks.first(v), millis))
            .to(topic(p.get("out"), string(), string()));
    run(FlowRuntime.builder(flow).connector(KafkaConnector.create(p.get("bootstrap"))));
  }

  /** {@code flows-task}: a no-op task executor that prints DONE after {@code count} tasks. */
  static void task(Params p) {
    int target = p.integer("count");
    AtomicInteger done = new AtomicInteger();
    TaskOptions options =
        TaskOptions.defaults()
            .withConcurrency(p.integer("concurrency"))
            .withPrefetchMultiplier(p.integer("prefetchMultiplier"))
            .withMaxAttempts(1);
    Flow flow =
        Flows.task(p.get("name"), options)
            .from(queue(p.get("queue"), string()))
            .run(
                task -> {
                  Marks.first(task);
                  if (done.incrementAndGet() == target) {
                    Marks.done();
                  }
                  return null;
                });
    run(
        FlowRuntime.builder(flow)
            .taskQueue(RabbitTaskQueue.create(URI.create(p.get("rabbitUri")))));
  }

  /**
   * The default options (the runtime's guarantee: at-least-once), exactly-once with {@code
   * guarantee=exactly_once}, batches of {@code maxRecords} when given.
   */
  private static FlowOptions options(Params p) {
    FlowOptions defaults =
        FlowOptions.defaults()
            .withMaxRecords(p.integer("maxRecords", FlowOptions.DEFAULT_MAX_RECORDS));
    return p.exactlyOnce() ? defaults.withGuarantee(Guarantee.EXACTLY_ONCE) : defaults;
  }

  private static void run(FlowRuntime.Builder builder) {
    builder.build().start();
    ChildMain.awaitKill();
  }

  private static Format<Long> countFormat() {
    return new Format<>() {
      @Override
      public byte[] encode(Long value) {
        return Work.encodeCount(value);
      }

      @Override
      public Long decode(byte[] bytes) {
        return Work.decodeCount(bytes);
      }

      @Override
      public String name() {
        return "long";
      }
    };
  }
}
