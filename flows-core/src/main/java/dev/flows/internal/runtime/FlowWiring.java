package dev.flows.internal.runtime;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.Topic;
import dev.flows.internal.plan.CollectorPlan;
import dev.flows.internal.plan.CronPlan;
import dev.flows.internal.plan.HttpPlan;
import dev.flows.internal.plan.MaterialisePlan;
import dev.flows.internal.plan.Plan;
import dev.flows.internal.plan.PlanVisitor;
import dev.flows.internal.plan.StatefulPlan;
import dev.flows.internal.plan.StatelessPlan;
import dev.flows.internal.plan.TaskPlan;
import dev.flows.internal.trace.FlowTracer;
import dev.flows.spi.Connector;
import dev.flows.spi.CronClaims;
import dev.flows.spi.Sink;
import dev.flows.spi.StateStore;
import dev.flows.spi.TableSink;
import dev.flows.spi.TopicLedger;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;

/**
 * Turns a plan into its {@link Engine}: the one place that decides by flow kind, for the runtime
 * and the in-memory test driver alike. It also checks that the parts a kind needs are there (a
 * state store for stateful flows, a table sink for materialise flows).
 */
public final class FlowWiring implements PlanVisitor<Engine> {
  /**
   * What a flow's engine may need.
   *
   * @param sink where the flow publishes (its topics, and its queues if it writes to any)
   * @param delivery how a Kafka-sourced flow's batches publish and commit (at-least-once over
   *     {@code sink}, or exactly-once)
   * @param stateStore the state store, {@code null} if there is none
   * @param tableSink the table sink, {@code null} if there is none
   * @param broker describes topics for the topic checks, {@code null} to check nothing
   * @param laneThreads the threads of a flow's parallel key lanes (stateless, stateful and
   *     collector flows); {@code null} runs keys one after another whatever the flow's concurrency
   *     (the test driver)
   * @param clock the wall clock of timers set in wall-clock time
   * @param sleeper how retries wait
   * @param metrics where the flow's metrics go
   * @param tracer starts the flow's spans
   */
  public record Parts(
      Sink sink,
      Delivery delivery,
      StateStore stateStore,
      TableSink tableSink,
      Connector broker,
      Function<String, ThreadFactory> laneThreads,
      Clock clock,
      Sleeper sleeper,
      FlowMetrics metrics,
      FlowTracer tracer) {}

  private final Parts parts;

  /** Wiring with {@code parts}. */
  public FlowWiring(Parts parts) {
    this.parts = parts;
  }

  /** The engine of {@code flow}. */
  public static Engine engine(Flow flow, Parts parts) {
    if (!(flow instanceof Plan plan)) {
      throw FlowDefinitionException.of(
          "flow",
          flow == null ? null : flow.getClass().getName(),
          "was not built by Flows",
          "build flows with Flows.stateless(...), Flows.stateful(...) and the other kinds");
    }
    return plan.accept(new FlowWiring(parts));
  }

  @Override
  public Engine stateless(StatelessPlan plan) {
    KeyLanes lanes = lanes(plan.options().concurrency());
    BatchHandler handler =
        new StatelessBatchProcessor(
            plan, parts.delivery(), lanes, parts.sleeper(), parts.metrics(), parts.tracer());
    if (plan.topicRecordName() == null || parts.stateStore() == null) {
      return engine(plan, handler, lanes, StoreUse.NONE);
    }
    handler =
        new GuardedHandler(
            handler, guard(plan.topicRecordName(), inputNames(plan), parts.stateStore().topics()));
    return engine(plan, handler, lanes, StoreUse.STATE_STORE);
  }

  @Override
  public Engine stateful(StatefulPlan plan) {
    require(
        parts.stateStore(),
        "stateStore",
        "stateful flow " + plan.name(),
        "call .stateStore(PostgresStateStore.create(...)) or .stateStore(InMemoryStateStore.create())");
    KeyLanes lanes = lanes(plan.options().concurrency());
    LazyStateTable table =
        LazyStateTable.openedIfReachable(parts.stateStore(), plan.state().table());
    TopicGuard guard = guard(plan.name(), plan.guardedTopics(), parts.stateStore().topics());
    BatchHandler handler =
        new StatefulBatchProcessor(
            plan,
            table,
            parts.delivery(),
            guard,
            lanes,
            parts.clock(),
            parts.sleeper(),
            parts.metrics(),
            parts.tracer());
    if (plan.state().retention() == null) {
      return engine(plan, handler, lanes, StoreUse.STATE_STORE);
    }
    SideJob purge = RowPurger.of(plan, table, guard, parts.broker(), parts.metrics());
    return new BatchEngine(
        plan,
        handler,
        lanes,
        parts.metrics(),
        parts.delivery(),
        StoreUse.STATE_STORE_AND_PURGE,
        purge);
  }

  @Override
  public Engine collector(CollectorPlan plan) {
    KeyLanes lanes = lanes(plan.options().concurrency());
    BatchHandler handler =
        new CollectorBatchProcessor(
            plan, parts.delivery(), lanes, parts.sleeper(), parts.metrics(), parts.tracer());
    return engine(plan, handler, lanes, StoreUse.NONE);
  }

  @Override
  public Engine materialise(MaterialisePlan plan) {
    require(
        parts.tableSink(),
        "tableSink",
        "materialise flow " + plan.name(),
        "call .tableSink(PostgresTableSink.create(...)) or .tableSink(InMemoryTableSink.create())");
    TopicGuard guard = guard(plan.name(), inputNames(plan), parts.tableSink().topics());
    BatchHandler handler =
        new MaterialiseBatchProcessor(
            plan,
            parts.tableSink(),
            parts.delivery(),
            guard,
            parts.sleeper(),
            parts.metrics(),
            parts.tracer());
    SideJob purge = markerPurge(plan, guard);
    StoreUse use = purge == SideJob.NONE ? StoreUse.TABLE_SINK : StoreUse.TABLE_SINK_AND_PURGE;
    return sequential(plan, handler, use, purge);
  }

  /**
   * The background purge of a versioned table's deleted markers; none without a broker to tell the
   * committed offsets (the test driver).
   */
  private SideJob markerPurge(MaterialisePlan plan, TopicGuard guard) {
    return plan.table().versioned() && parts.broker() != null
        ? MarkerPurger.of(plan, parts.tableSink(), parts.broker(), guard, parts.metrics())
        : SideJob.NONE;
  }

  @Override
  public Engine task(TaskPlan<?> plan) {
    return new TaskEngine(
        plan, new TaskProcessor(plan, parts.sink(), parts.metrics(), parts.tracer()));
  }

  @Override
  public Engine cron(CronPlan plan) {
    CronClaims claims =
        parts.stateStore() == null ? CronClaims.EVERY_INSTANCE : parts.stateStore().cronClaims();
    return new CronEngine(plan, claims, parts.metrics(), parts.tracer());
  }

  @Override
  public Engine http(HttpPlan plan) {
    return new HttpEngine(
        plan, new HttpIngress(plan, parts.sink(), parts.metrics(), parts.tracer()));
  }

  /**
   * The key lanes of a flow of {@code concurrency}: sequential for 1 (no thread hop) and in the
   * test driver, else that many lane threads.
   */
  private KeyLanes lanes(int concurrency) {
    return concurrency == 1 || parts.laneThreads() == null
        ? KeyLanes.sequential()
        : KeyLanes.parallel(concurrency, parts.laneThreads().apply("lane"));
  }

  /** The check of {@code topics} against {@code ledger}; none without a broker to ask. */
  private TopicGuard guard(String name, List<String> topics, TopicLedger ledger) {
    return parts.broker() == null
        ? TopicGuard.NONE
        : new TopicGuard(name, topics, ledger, parts.broker());
  }

  private static List<String> inputNames(Flow flow) {
    return flow.inputs().stream().map(Topic::name).toList();
  }

  /** A batch engine with no side job, its keys on {@code lanes}. */
  private Engine engine(Plan plan, BatchHandler handler, KeyLanes lanes, StoreUse storeUse) {
    return new BatchEngine(
        plan, handler, lanes, parts.metrics(), parts.delivery(), storeUse, SideJob.NONE);
  }

  /** A batch engine whose records run one at a time, in offset order, with {@code side} beside. */
  private Engine sequential(Plan plan, BatchHandler handler, StoreUse storeUse, SideJob side) {
    return new BatchEngine(
        plan, handler, KeyLanes.sequential(), parts.metrics(), parts.delivery(), storeUse, side);
  }

  private static void require(Object part, String setting, String user, String fix) {
    if (part == null) {
      throw FlowDefinitionException.of(setting, null, "is missing for " + user, fix);
    }
  }
}
