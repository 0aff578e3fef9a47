package dev.flows.internal.runtime;

import dev.flows.Flow;
import dev.flows.spi.Connector;
import dev.flows.spi.Sink;
import dev.flows.spi.Source;
import dev.flows.spi.StateStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The composition root of one running flow: its threads, lanes, handler and polling loop. */
public final class RunningFlow {
  /**
   * What the runtime shares between its flows.
   *
   * @param connector opens the flow's source
   * @param sink the shared sink
   * @param stateStore the state store, {@code null} if no flow is stateful
   * @param registry where metrics go
   * @param clock the clock of batch waits
   * @param drainTimeout how long a stop waits for the current batch
   * @param taskQueue the task queue of task flows and of flows writing to queues, {@code null} if
   *     none does
   * @param tableSink where materialise flows write, {@code null} if there is none
   */
  public record Shared(
      Connector connector,
      Sink sink,
      StateStore stateStore,
      MeterRegistry registry,
      Clock clock,
      Duration drainTimeout,
      dev.flows.spi.TaskQueue taskQueue,
      dev.flows.spi.TableSink tableSink) {

    /** Without a table sink. */
    public Shared(
        Connector connector,
        Sink sink,
        StateStore stateStore,
        MeterRegistry registry,
        Clock clock,
        Duration drainTimeout,
        dev.flows.spi.TaskQueue taskQueue) {
      this(connector, sink, stateStore, registry, clock, drainTimeout, taskQueue, null);
    }

    /** Without a task queue. */
    public Shared(
        Connector connector,
        Sink sink,
        StateStore stateStore,
        MeterRegistry registry,
        Clock clock,
        Duration drainTimeout) {
      this(connector, sink, stateStore, registry, clock, drainTimeout, null);
    }
  }

  private final Flow flow;
  private final FlowState state = new FlowState();
  private final FlowLoop loop;
  private final Thread thread;
  private final MeterRegistry registry;
  private final Source source;

  /** Wires {@code flow} to a source of the shared connector and the shared sink. */
  public RunningFlow(Flow flow, Shared shared) {
    this.flow = flow;
    this.registry = shared.registry();
    FlowMetrics metrics = new FlowMetrics(shared.registry(), flow.name());
    FlowLoop own = OwnLoops.create(flow, shared, metrics, state);
    if (own != null) { // task and cron flows have no Kafka source: their own loop, no poll loop
      this.source = null;
      this.loop = own;
      this.thread =
          threads(flow.name() + "-" + flow.kind().name().toLowerCase(java.util.Locale.ROOT))
              .newThread(own);
      return;
    }
    int concurrency = flow.options().concurrency();
    KeyLanes lanes =
        concurrency == 1
            ? KeyLanes.sequential()
            : KeyLanes.parallel(
                Executors.newFixedThreadPool(concurrency, threads(flow.name() + "-lane")));
    Sink outputs = QueueRouting.sink(flow, shared.sink(), shared.taskQueue());
    BatchHandler handler =
        Handlers.forFlow(
            flow,
            new Handlers.Parts(
                outputs,
                shared.stateStore(),
                shared.tableSink(),
                shared.connector(),
                lanes,
                Sleeper.SYSTEM,
                metrics));
    ExecutorService worker = Executors.newSingleThreadExecutor(threads(flow.name() + "-batch"));
    PollLoop.BatchRunner runner =
        new PollLoop.BatchRunner(worker, handler, metrics, shared.drainTimeout(), lanes, outputs);
    this.source = shared.connector().source(flow.name(), flow.name());
    this.loop = new PollLoop(flow, source, runner, shared.clock(), state);
    this.thread = threads(flow.name() + "-poll").newThread(loop);
  }

  /** The flow. */
  public Flow flow() {
    return flow;
  }

  /** The POST route an http flow serves on the admin server; empty for other flows. */
  public java.util.Optional<dev.flows.internal.admin.PostRoute> route() {
    return loop instanceof HttpLoop http
        ? java.util.Optional.of(http.route())
        : java.util.Optional.empty();
  }

  /** Its health. */
  public FlowState state() {
    return state;
  }

  /**
   * Binds the source's client metrics, tagged with the flow, then starts the polling thread (which
   * closes the source).
   */
  public void start() {
    if (source != null) {
      source.bindMetrics(registry, Tags.of("flow", flow.name()));
    }
    thread.start();
  }

  /** Asks the loop to drain and stop. */
  public void stop() {
    loop.stop();
  }

  /** Blocks until the polling thread ended. */
  public void awaitStopped() {
    if (!thread.isAlive()) {
      return;
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> new Thread(task, prefix + "-" + count.incrementAndGet());
  }
}
