package dev.flows.internal.runtime;

import dev.flows.BrokerRefusedException;
import dev.flows.FlowsException;
import dev.flows.FormatException;
import dev.flows.Headers;
import dev.flows.internal.plan.CronPlan;
import dev.flows.internal.trace.FlowTracer;
import dev.flows.internal.trace.Trace;
import dev.flows.spi.CronClaims;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.OutgoingTask;
import dev.flows.spi.Sink;
import dev.flows.spi.TaskQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread of a cron flow: waits for the next firing (UTC), produces the value under the flow's
 * error policy and publishes it, blocking until the broker confirmed it (retrying broker failures
 * until then or until stopped). A firing that comes due while the previous one still publishes is
 * skipped, never queued up: the schedule is never run behind. Like the task loop it reports the
 * connection its output goes through (the task queue's, or the sink's), also while a publish
 * retries: not ready while that connection is lost.
 *
 * <p>Each firing is first claimed ({@link CronClaims}): only the replica whose claim took effect
 * produces and publishes it. A claim the store cannot take is retried until the next firing comes
 * due, the flow not ready and its failure shown as {@code retrying} meanwhile, then the firing is
 * skipped; a refusal that retrying cannot fix at the first claim stops the flow ({@link
 * RefusalRule}). A claimed firing is one span, which the value published carries.
 */
final class CronLoop implements FlowLoop {
  private static final Logger LOG = LoggerFactory.getLogger(CronLoop.class);
  private static final long MAX_PARK_NANOS = Duration.ofMillis(100).toNanos();

  private final CronPlan plan;
  private final Sink sink;
  private final TaskQueue queue;
  private final CronClaims claims;
  private final UserCode userCode;
  private final Clock clock;
  private final FlowState state;
  private final StopSignal signal = new StopSignal();
  private final RefusalRule refusals = new RefusalRule();
  private final Sleeper retryWait;
  private final FlowMetrics metrics;
  private final FlowTracer tracer;

  /**
   * The loop of {@code plan}, publishing to the runtime's Kafka sink or task queue of {@code
   * parts}, firing what it claims in {@code claims}.
   */
  CronLoop(
      CronPlan plan, LoopParts parts, CronClaims claims, FlowMetrics metrics, FlowTracer tracer) {
    this.plan = plan;
    this.metrics = metrics;
    this.tracer = tracer;
    this.sink = parts.kafka();
    this.queue = parts.taskQueue();
    this.claims = claims;
    this.userCode = new UserCode(plan.options().errorPolicy(), Sleeper.SYSTEM, metrics);
    this.clock = parts.clock();
    this.state = parts.state();
    this.retryWait = signal.reportingSleeper(state, clock, this::connected);
  }

  @Override
  public void run() {
    signal.enter();
    state.running(true);
    state.assigned(true);
    state.healthy(true);
    try {
      Instant next = plan.schedule().next(clock.instant());
      while (!signal.stopping() && next != null) {
        Instant now = clock.instant();
        signal.report(state, clock, this::connected);
        if (now.isBefore(next)) {
          signal.park(Math.min(MAX_PARK_NANOS, Duration.between(now, next).toNanos()));
        } else {
          fire(next);
          next = plan.schedule().next(clock.instant());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (!signal.stopping()) {
        state.failed(e);
        LOG.error("flow {} stopped: {}", plan.name(), e.toString(), e);
        throw e;
      }
    } finally {
      state.running(false);
    }
  }

  private void fire(Instant due) throws InterruptedException {
    if (!claimed(due)) {
      return;
    }
    Trace trace = tracer.firing(due);
    Trace.Scope current = trace.enter();
    try {
      fire(due, trace);
    } finally {
      current.close();
      trace.end();
    }
  }

  private void fire(Instant due, Trace trace) throws InterruptedException {
    UserCode.Outcome<Object> outcome = produce(due);
    if (!outcome.succeeded()) {
      trace.failed(outcome.failure());
      LOG.error(
          "flow {}: firing of {} failed after {} attempt(s), skipped: {}",
          plan.name(),
          due,
          outcome.attempts(),
          outcome.failure().toString());
      return;
    }
    if (outcome.value() == null) {
      return;
    }
    byte[] bytes;
    try {
      bytes = plan.encode(outcome.value());
    } catch (FormatException e) {
      trace.failed(e);
      LOG.error(
          "flow {}: value of firing {} cannot be encoded, skipped: {}",
          plan.name(),
          due,
          e.getMessage());
      return;
    }
    Confirmations.awaitRetrying(
        ack -> send(bytes, trace.stamp(Headers.empty()), due, ack),
        BatchProcessor.ACK_TIMEOUT,
        "flow " + plan.name() + ": firing " + due,
        LOG,
        retryWait);
    metrics.recordOut(plan.destination());
  }

  /**
   * Whether this replica claimed the firing; a store failure is retried with backoff until the next
   * firing comes due (then the firing is skipped), the flow not ready meanwhile.
   */
  private boolean claimed(Instant due) throws InterruptedException {
    Instant following = plan.schedule().next(due);
    for (int failures = 1; ; failures++) {
      try {
        boolean claimed = claims.claim(plan.name(), due);
        refusals.succeeded();
        state.healthy(true);
        state.retrying(null);
        return claimed;
      } catch (FlowsException e) {
        Optional<BrokerRefusedException> refused = refusals.failed(e);
        if (refused.isPresent()) {
          throw refused.get();
        }
        state.healthy(false);
        state.retrying(e);
        if (following == null || !clock.instant().isBefore(following)) {
          LOG.error("flow {}: firing of {} could not be claimed, skipped: {}", plan.name(), due, e);
          return false;
        }
        long backoff = StopSignal.backoffMillis(failures);
        LOG.warn(
            "flow {}: claiming firing {}: {}; trying again in {} ms", plan.name(), due, e, backoff);
        retryWait.sleep(Duration.ofMillis(backoff));
      }
    }
  }

  /**
   * Produces the firing's value; a transient failure is retried with backoff until it heals or the
   * loop stops, the flow not ready meanwhile.
   */
  private UserCode.Outcome<Object> produce(Instant due) throws InterruptedException {
    for (int failures = 1; ; failures++) {
      try {
        UserCode.Outcome<Object> outcome = userCode.run(plan::produce);
        state.healthy(true);
        return outcome;
      } catch (TransientFailure e) {
        state.healthy(false);
        long backoff = StopSignal.backoffMillis(failures);
        LOG.warn("flow {}: firing of {}: {}; trying again in {} ms", plan.name(), due, e, backoff);
        retryWait.sleep(Duration.ofMillis(backoff));
      }
    }
  }

  /** Whether the connection the firings are published through is up. */
  private boolean connected() {
    return plan.toQueue() ? queue.isConnected() : sink.isConnected();
  }

  /** Publishes a firing's value; a record is stamped with the firing's time {@code due}. */
  private void send(byte[] bytes, Headers headers, Instant due, Sink.Ack ack) {
    if (plan.toQueue()) {
      queue.send(new OutgoingTask(plan.destination(), bytes, headers), ack);
    } else {
      sink.send(
          new OutgoingRecord(plan.destination(), null, bytes, headers, due.toEpochMilli()), ack);
    }
  }

  @Override
  public void stop() {
    signal.stop();
    signal.interruptRunner(); // a publish retrying a failed broker gives up at once
  }
}
