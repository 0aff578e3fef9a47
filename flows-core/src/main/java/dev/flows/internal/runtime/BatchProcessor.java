package dev.flows.internal.runtime;

import dev.flows.Flow;
import dev.flows.internal.trace.BatchTrace;
import dev.flows.internal.trace.FlowTracer;
import dev.flows.internal.trace.Trace;
import java.time.Duration;

/**
 * The skeleton of one batch, which each kind's processor fills in: count the records in, do the
 * kind's work with every output and dead letter sent through one {@link BatchAcks}, await the
 * broker's acknowledgements (dead-lettering records it refused for their own sake), commit through
 * the flow's {@link Delivery} (exactly-once: the batch's transaction), then time the batch. A batch
 * that throws is aborted and rewound by the poll loop; one that returns may be committed. Each
 * batch is one span ({@link FlowTracer#batch}), current on the batch thread while it runs and
 * failed when the batch throws; every output and dead letter carries it (or its record's span).
 *
 * <p>A processor that {@linkplain #overlaps() allows it} reports the batch {@linkplain
 * Overlap#sent() sent} once its work is done and every output sent, so the next batch may start
 * while this one awaits its acknowledgements; what a batch does once its outputs are known
 * published runs only after the batch before it succeeded ({@link Overlap#awaitPrevious()}). A
 * materialise batch lets the next one {@linkplain Overlap#startNext() start} earlier, from its
 * {@link #fill}, before it writes (see {@link MaterialiseBatchProcessor}).
 */
abstract class BatchProcessor implements BatchHandler {
  /** How long the broker may take to acknowledge a batch before it counts as down. */
  static final Duration ACK_TIMEOUT = Duration.ofMinutes(5);

  private final Delivery delivery;
  private final FlowTracer tracer;
  final Failures failures;
  final UserCode userCode;
  final FlowMetrics metrics;

  /**
   * A skeleton for {@code flow}, publishing through {@code delivery}, retrying user code with
   * {@code sleeper}, tracing with {@code tracer}.
   */
  BatchProcessor(
      Flow flow, Delivery delivery, Sleeper sleeper, FlowMetrics metrics, FlowTracer tracer) {
    this.delivery = delivery;
    this.tracer = tracer;
    this.failures = new Failures(flow, metrics);
    this.userCode = new UserCode(flow.options().errorPolicy(), sleeper, metrics);
    this.metrics = metrics;
  }

  /**
   * Processes the batch and returns once every output is acknowledged (and, exactly-once, the
   * batch's transaction committed). Throws {@link dev.flows.FlowFailedException} under fail-fast,
   * {@link PublishFailedException} when the broker did not acknowledge, anything else for an
   * infrastructure failure: then nothing may be committed.
   */
  @Override
  public final void process(Batch batch) {
    long start = System.nanoTime();
    batch.countPerTopic(metrics::recordsIn);
    BatchTrace trace = tracer.batch(batch.records());
    Trace.Scope current = trace.enter();
    try {
      deliver(batch, trace);
    } catch (RuntimeException | Error e) {
      trace.failed(e);
      throw e;
    } finally {
      current.close();
      trace.end();
    }
    metrics.batch(batch.size(), System.nanoTime() - start);
  }

  private void deliver(Batch batch, BatchTrace trace) {
    delivery.begin(batch);
    Runnable published;
    try {
      BatchAcks acks = new BatchAcks(delivery, batch.cancellation(), trace);
      published = fill(batch, acks);
      if (overlaps()) {
        batch.overlap().sent();
      }
      acks.settle(failures, ACK_TIMEOUT);
      delivery.commit(batch);
    } catch (RuntimeException | Error e) {
      delivery.abort(batch);
      throw e;
    }
    batch.overlap().awaitPrevious();
    published.run();
  }

  /**
   * Does the kind's work on {@code batch}; every output and dead letter goes through {@code acks}.
   * Returns what to do once every output of {@code batch} is acknowledged, its delivery committed
   * and the batch before it succeeded ({@link #NOTHING} for most kinds).
   */
  abstract Runnable fill(Batch batch, BatchAcks acks);

  /** What a kind without anything to do once its batch is published returns from {@link #fill}. */
  static final Runnable NOTHING = () -> {};

  /**
   * Whether the next batch may start once this kind's {@link #fill} returned, while the batch
   * awaits its acknowledgements: only where nothing that batch does could overtake this one's
   * effects (docs/semantics.md). The poll loop overlaps at-least-once batches only.
   */
  boolean overlaps() {
    return false;
  }
}
