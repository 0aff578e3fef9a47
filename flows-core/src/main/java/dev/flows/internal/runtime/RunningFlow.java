package dev.flows.internal.runtime;

import dev.flows.Flow;
import dev.flows.Guarantee;
import dev.flows.internal.admin.PostRoute;
import dev.flows.spi.Sink;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** The composition root of one running flow: its engine, its loop and the thread that runs it. */
public final class RunningFlow {
  private final Flow flow;
  private final FlowState state = new FlowState();
  private final FlowLoop loop;
  private final Thread thread;
  private final MeterRegistry registry;
  private final Optional<PostRoute> route;
  private final StoreUse storeUse;

  /**
   * Wires {@code flow} with the runtime's {@code settings}, its Kafka sink ({@code null} when no
   * flow uses Kafka) and its meter registry. Throws {@link dev.flows.FlowDefinitionException} when
   * a part the flow's kind needs is missing.
   */
  public RunningFlow(Flow flow, RuntimeSettings settings, Sink kafka, MeterRegistry registry) {
    this.flow = flow;
    this.registry = registry;
    FlowMetrics metrics = new FlowMetrics(registry, flow.name());
    Function<String, ThreadFactory> threads = role -> threads(flow.name() + "-" + role);
    Delivery delivery =
        settings.guaranteeOf(flow) == Guarantee.EXACTLY_ONCE
            ? new TransactionalDelivery(settings.connector().transactionalSink(flow.name()))
            : new AtLeastOnceDelivery(QueueRouting.sink(flow, kafka, settings.taskQueue()));
    Sink outputs = delivery.sink();
    Engine engine =
        FlowWiring.engine(
            flow,
            new FlowWiring.Parts(
                outputs,
                delivery,
                settings.stateStore(),
                settings.tableSink(),
                settings.connector(),
                threads,
                settings.clock(),
                Sleeper.SYSTEM,
                metrics,
                settings.tracingOrGlobal().flow(flow, settings.recordSpans())));
    this.route = engine.route();
    this.storeUse = engine.storeUse();
    this.loop =
        engine.loop(
            new LoopParts(
                settings.connector(),
                outputs,
                kafka,
                settings.taskQueue(),
                settings.clock(),
                settings.drainTimeout(),
                state,
                threads));
    this.thread = threads.apply(engine.threadName()).newThread(loop);
  }

  /** The flow. */
  public Flow flow() {
    return flow;
  }

  /** The POST route an http flow serves on the admin server; empty for other flows. */
  public Optional<PostRoute> route() {
    return route;
  }

  /** The database it uses, if any, and how many of its connections it holds at once. */
  public StoreUse storeUse() {
    return storeUse;
  }

  /** Its health. */
  public FlowState state() {
    return state;
  }

  /** Binds the loop's client metrics, tagged with the flow, then starts its thread. */
  public void start() {
    loop.bindMetrics(registry, Tags.of("flow", flow.name()));
    thread.start();
  }

  /** Asks the loop to drain and stop. */
  public void stop() {
    loop.stop();
  }

  /** Blocks until the loop's thread ended. */
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
