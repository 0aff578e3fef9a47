package dev.flows.internal.runtime;

import dev.flows.Flow;
import dev.flows.internal.trace.FlowTracer;
import dev.flows.internal.trace.Untraced;
import dev.flows.spi.Sink;
import dev.flows.spi.StateStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the batch handlers of flows whose key lanes run on real threads, as the runtime's do (the
 * test driver's lanes are sequential), and stops those threads when closed.
 */
final class RealLanes implements AutoCloseable {
  private final List<KeyLanes> started = new ArrayList<>();

  /** The handler of {@code flow}, publishing to {@code sink}, keeping state in {@code store}. */
  BatchHandler handler(Flow flow, StateStore store, Sink sink) {
    return handler(flow, store, sink, Untraced.INSTANCE);
  }

  /**
   * The handler of {@code flow} as {@link #handler(Flow, StateStore, Sink)}, traced by {@code
   * tracer}.
   */
  BatchHandler handler(Flow flow, StateStore store, Sink sink, FlowTracer tracer) {
    return handler(flow, store, sink, tracer, Clock.systemUTC());
  }

  /** The handler of {@code flow} as {@link #handler(Flow, StateStore, Sink)}, on {@code clock}. */
  BatchHandler handler(Flow flow, StateStore store, Sink sink, Clock clock) {
    return handler(flow, store, sink, Untraced.INSTANCE, clock);
  }

  private BatchHandler handler(
      Flow flow, StateStore store, Sink sink, FlowTracer tracer, Clock clock) {
    BatchEngine engine =
        (BatchEngine)
            FlowWiring.engine(
                flow,
                new FlowWiring.Parts(
                    sink,
                    new AtLeastOnceDelivery(sink),
                    store,
                    null,
                    null,
                    role ->
                        work -> {
                          Thread thread = new Thread(work, "test-" + role);
                          thread.setDaemon(true);
                          return thread;
                        },
                    clock,
                    Sleeper.NONE,
                    FlowMetrics.inMemory(flow.name()),
                    tracer));
    started.add(engine.lanes());
    return engine.handler();
  }

  @Override
  public void close() {
    started.forEach(KeyLanes::shutdown);
  }
}
