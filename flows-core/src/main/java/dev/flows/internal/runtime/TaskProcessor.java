package dev.flows.internal.runtime;

import dev.flows.ErrorPolicy;
import dev.flows.FailureClass;
import dev.flows.FormatException;
import dev.flows.PermanentException;
import dev.flows.TransientException;
import dev.flows.internal.plan.TaskPlan;
import dev.flows.internal.trace.FlowTracer;
import dev.flows.internal.trace.Trace;
import dev.flows.spi.IncomingTask;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.Sink;
import dev.flows.spi.TaskHandler;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tasks of a task flow, on the task queue's worker threads: decode, run the user function
 * once (the queue retries through its delay queues, so a slow retry never holds a worker), publish
 * the result and wait for Kafka's acknowledgement before returning, so the task is acknowledged
 * only after its result. A broker failure while publishing the result is retried here, holding the
 * task, until it heals or the attempt times out. Each attempt is one span, a child of the span
 * context the task carries; the result carries the attempt's span.
 */
public final class TaskProcessor implements TaskHandler {
  private static final Logger LOG = LoggerFactory.getLogger(TaskProcessor.class);

  private final TaskPlan<?> plan;
  private final Sink sink;
  private final UserCode userCode;
  private final FlowMetrics metrics;
  private final FlowTracer tracer;

  /**
   * A processor of {@code plan}'s tasks, publishing results to {@code sink} (may be null without a
   * result topic).
   */
  public TaskProcessor(TaskPlan<?> plan, Sink sink, FlowMetrics metrics, FlowTracer tracer) {
    this.plan = plan;
    this.sink = sink;
    this.metrics = metrics;
    this.tracer = tracer;
    // one attempt per delivery: the queue retries, with its delays
    this.userCode =
        new UserCode(
            new ErrorPolicy(
                1,
                Duration.ofMillis(1),
                Duration.ofMillis(1),
                ErrorPolicy.Exhausted.DEAD_LETTER,
                null,
                plan.taskOptions().failureClasses()),
            Sleeper.NONE,
            metrics);
  }

  /** Runs the task in its span, timing the attempt by its outcome. */
  @Override
  public void handle(IncomingTask task) throws Exception {
    long start = System.nanoTime();
    Trace trace = tracer.task(task.queue(), task.headers(), task.attempt());
    Trace.Scope current = trace.enter();
    try {
      process(task, trace);
    } catch (Exception e) {
      trace.failed(e);
      metrics.task(failed(task, e), System.nanoTime() - start);
      throw e;
    } finally {
      current.close();
      trace.end();
    }
    metrics.task(FlowMetrics.TaskOutcome.SUCCESS, System.nanoTime() - start);
  }

  /** What the queue does with a failed attempt, by the {@link TaskHandler} contract. */
  private FlowMetrics.TaskOutcome failed(IncomingTask task, Exception failure) {
    if (failure instanceof TransientException) {
      return FlowMetrics.TaskOutcome.RETRY;
    }
    return failure instanceof FormatException
            || failure instanceof PermanentException
            || task.attempt() >= plan.taskOptions().maxAttempts()
        ? FlowMetrics.TaskOutcome.DEAD_LETTER
        : FlowMetrics.TaskOutcome.RETRY;
  }

  private void process(IncomingTask task, Trace trace) throws Exception {
    metrics.recordsIn(task.queue(), 1);
    Object decoded = plan.decode(task.body());
    UserCode.Outcome<Object> outcome;
    try {
      outcome = userCode.run(() -> plan.run(decoded));
    } catch (TransientFailure e) {
      throw new TransientException(e.getMessage(), e.getCause());
    }
    if (outcome.failureClass() == FailureClass.PERMANENT
        && !(outcome.failure() instanceof FormatException)) {
      throw new PermanentException(String.valueOf(outcome.failure()), outcome.failure());
    }
    if (!outcome.succeeded()) {
      throw outcome.failure();
    }
    Object result = outcome.value();
    if (result != null && plan.resultTopic() != null) {
      publish(
          new OutgoingRecord(
              plan.resultTopic().name(),
              null,
              plan.encodeResult(result),
              trace.stamp(task.headers()),
              null));
    }
  }

  private void publish(OutgoingRecord record) throws InterruptedException {
    for (int failures = 1; ; failures++) {
      try {
        Confirmations.await(ack -> sink.send(record, ack), BatchProcessor.ACK_TIMEOUT);
        metrics.recordOut(record.topic());
        return;
      } catch (PublishFailedException e) {
        if (e.getCause() instanceof Exception cause && sink.isRecordError(cause)) {
          throw e;
        }
        long backoff = StopSignal.backoffMillis(failures);
        LOG.warn(
            "flow {}: result not acknowledged ({}), retrying in {} ms",
            plan.name(),
            e.getMessage(),
            backoff);
        Thread.sleep(backoff);
      }
    }
  }
}
