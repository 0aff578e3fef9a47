package dev.flows.internal.runtime;

import dev.flows.BrokerRefusedException;
import dev.flows.TransientException;
import dev.flows.internal.plan.TaskPlan;
import dev.flows.spi.IncomingTask;
import dev.flows.spi.TaskQueue;
import dev.flows.spi.TaskSubscription;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread of a task flow. Tasks run on the task queue's own workers; this loop subscribes
 * (retrying with backoff while the broker is unreachable), reports liveness and the queue's
 * connection (not ready while it recovers) and, on stop, drains the subscription: no new tasks,
 * running ones finish and are acknowledged. A {@link BrokerRefusedException} on the first attempt
 * stops the flow with it, one after an attempt that failed otherwise is retried ({@link
 * RefusalRule}).
 */
final class TaskLoop implements FlowLoop {
  private static final Logger LOG = LoggerFactory.getLogger(TaskLoop.class);

  private final TaskPlan<?> plan;
  private final TaskQueue queue;
  private final TaskProcessor processor;
  private final Duration drainTimeout;
  private final Clock clock;
  private final FlowState state;
  private final StopSignal signal = new StopSignal();
  private final RefusalRule refusals = new RefusalRule();

  TaskLoop(
      TaskPlan<?> plan,
      TaskQueue queue,
      TaskProcessor processor,
      Duration drainTimeout,
      Clock clock,
      FlowState state) {
    this.plan = plan;
    this.queue = queue;
    this.processor = processor;
    this.drainTimeout = drainTimeout;
    this.clock = clock;
    this.state = state;
  }

  @Override
  public void run() {
    signal.enter();
    state.running(true);
    TaskSubscription subscription = null;
    try {
      subscription = subscribe();
      signal.reportUntilStopped(state, clock, queue::isConnected);
    } finally {
      if (subscription != null) {
        subscription.close();
      }
      state.assigned(false);
      state.running(false);
    }
  }

  /** Runs a task; a transient failure makes the flow not ready until a task succeeds again. */
  private void handle(IncomingTask task) throws Exception {
    try {
      processor.handle(task);
      state.healthy(true);
    } catch (TransientException e) {
      state.healthy(false);
      throw e;
    }
  }

  private TaskSubscription subscribe() {
    for (int failures = 1; !signal.stopping(); failures++) {
      try {
        TaskSubscription subscription =
            queue.consume(
                plan.name(), plan.queue().name(), plan.taskOptions(), drainTimeout, this::handle);
        refusals.succeeded();
        state.assigned(true);
        state.healthy(true);
        state.retrying(null);
        LOG.info("flow {}: consuming queue {}", plan.name(), plan.queue().name());
        return subscription;
      } catch (RuntimeException e) {
        state.healthy(false);
        Optional<BrokerRefusedException> refused = refusals.failed(e);
        if (refused.isPresent()) {
          state.failed(refused.get());
          LOG.error("flow {} stopped: {}", plan.name(), refused.get().getMessage(), e);
          throw refused.get();
        }
        state.retrying(e);
        long backoff = StopSignal.backoffMillis(failures);
        LOG.warn(
            "flow {}: cannot consume queue {} ({}), retrying in {} ms",
            plan.name(),
            plan.queue().name(),
            e.toString(),
            backoff);
        state.loopedAt(clock.millis());
        signal.park(Duration.ofMillis(backoff).toNanos());
      }
    }
    return null;
  }

  @Override
  public void stop() {
    signal.stop();
  }
}
