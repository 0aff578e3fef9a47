package dev.flows.internal.runtime;

import dev.flows.Flow;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A Kafka-sourced flow (stateless, stateful, collector, materialise): batches on a poll loop, with
 * {@code side} running beside it (a materialised table's marker purge, a state table's purge of
 * expired rows; {@link SideJob#NONE} for the others).
 */
record BatchEngine(
    Flow flow,
    BatchHandler handler,
    KeyLanes lanes,
    FlowMetrics metrics,
    Delivery delivery,
    StoreUse storeUse,
    SideJob side)
    implements Engine {

  @Override
  public FlowLoop loop(LoopParts parts) {
    ExecutorService worker =
        Executors.newFixedThreadPool(PollLoop.BATCHES_IN_FLIGHT, parts.threads().apply("batch"));
    BatchRunner runner =
        new BatchRunner(worker, handler, metrics, parts.drainTimeout(), lanes, delivery);
    PollLoop loop =
        new PollLoop(
            flow,
            parts.connector().source(flow.name(), flow.name()),
            runner,
            parts.clock(),
            parts.state());
    return side.beside(loop, parts.threads().apply(side.role()));
  }

  @Override
  public String threadName() {
    return "poll";
  }

  @Override
  public void attach(TestBench bench) {
    bench.batches(flow, handler);
    side.attach(flow, bench);
  }
}
