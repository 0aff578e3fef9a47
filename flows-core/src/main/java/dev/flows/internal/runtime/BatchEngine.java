package dev.flows.internal.runtime;

import dev.flows.Flow;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A Kafka-sourced flow (stateless, stateful, collector, materialise): batches on a poll loop. */
record BatchEngine(
    Flow flow,
    BatchHandler handler,
    KeyLanes lanes,
    FlowMetrics metrics,
    Delivery delivery,
    StoreUse storeUse)
    implements Engine {

  @Override
  public FlowLoop loop(LoopParts parts) {
    ExecutorService worker = Executors.newSingleThreadExecutor(parts.threads().apply("batch"));
    BatchRunner runner =
        new BatchRunner(worker, handler, metrics, parts.drainTimeout(), lanes, delivery);
    return new PollLoop(
        flow,
        parts.connector().source(flow.name(), flow.name()),
        runner,
        parts.clock(),
        parts.state());
  }

  @Override
  public String threadName() {
    return "poll";
  }

  @Override
  public void attach(TestBench bench) {
    bench.batches(flow, handler);
  }
}
