package dev.flows.internal.runtime;

import dev.flows.BrokerRefusedException;
import dev.flows.Flow;
import dev.flows.FlowFailedException;
import dev.flows.Message;
import dev.flows.Topic;
import dev.flows.spi.PartitionListener;
import dev.flows.spi.Source;
import dev.flows.spi.SourcePartition;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns a flow's {@link Source}. It keeps polling while a batch runs on the
 * worker (partitions paused when the buffer is full), so slow batches never get it evicted from the
 * group. A batch's offsets are committed only after its outputs were acknowledged (exactly-once: by
 * the batch, in its transaction); a failed batch is rewound and retried after a backoff, its
 * failure shown as the flow's {@code retrying} until a batch succeeds; revoked partitions are never
 * committed. A refusal that retrying cannot fix stops the flow if its first batch met it ({@link
 * RefusalRule}).
 */
public final class PollLoop implements FlowLoop, PartitionListener {
  private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);
  private static final long MAX_POLL_MILLIS = 100;
  private static final long BUSY_POLL_MILLIS = 5;

  private final Flow plan;
  private final Source source;
  private final Batcher batcher;
  private final BatchRunner runner;
  private final SourceOffsets offsets;
  private final Clock clock;
  private final FlowState state;
  private final BackPressure backPressure;
  private final RetryClock retries;
  private final RefusalRule refusals = new RefusalRule();
  private volatile boolean stopping;
  private RunningBatch inFlight;

  /** The loop for {@code plan}, reading from {@code source}. */
  public PollLoop(Flow plan, Source source, BatchRunner runner, Clock clock, FlowState state) {
    this.plan = plan;
    this.source = source;
    this.batcher = new Batcher(plan.options(), clock);
    this.runner = runner;
    this.offsets = new SourceOffsets(plan.name(), source, runner.metrics());
    this.clock = clock;
    this.state = state;
    this.backPressure = new BackPressure(source);
    this.retries = new RetryClock(clock);
  }

  @Override
  public void bindMetrics(MeterRegistry registry, Iterable<Tag> tags) {
    source.bindMetrics(registry, tags);
  }

  /** Asks the loop to finish its current batch, commit and close. Returns at once. */
  public void stop() {
    stopping = true;
  }

  @Override
  public void run() {
    state.running(true);
    try {
      source.subscribe(plan.inputs().stream().map(Topic::name).toList(), this);
      while (!stopping) {
        loopOnce();
      }
      drain();
    } catch (RuntimeException | Error e) {
      state.failed(e);
      LOG.error("flow {} stopped: {}", plan.name(), e.toString(), e);
      throw e;
    } finally {
      state.running(false);
      source.close();
      runner.delivery().close();
      runner.worker().shutdownNow();
      runner.lanes().shutdown();
    }
  }

  private void loopOnce() {
    awaitBatchWhilePaused();
    List<Message<byte[], byte[]>> records = source.poll(Duration.ofMillis(pollMillis()));
    batcher.add(records);
    Batch succeeded = takeIfDone();
    startIfReady(); // the next batch runs while the previous one commits
    if (succeeded != null) {
      committed(succeeded);
    }
    backPressure.apply(batcher.isFull());
    state.connected(source.isConnected() && runner.delivery().sink().isConnected());
    state.loopedAt(clock.millis());
  }

  /**
   * With the buffer full the partitions are paused and a poll could only wait: wait for the running
   * batch instead (bounded), so the next one starts the moment it is done.
   */
  private void awaitBatchWhilePaused() {
    if (inFlight != null && batcher.isFull()) {
      inFlight.awaitEnd(MAX_POLL_MILLIS);
    }
  }

  private long pollMillis() {
    if (inFlight != null) {
      return batcher.isFull() || inFlight.isDone() ? 0 : BUSY_POLL_MILLIS;
    }
    return Math.min(
        MAX_POLL_MILLIS, Math.max(retries.millisUntilRetry(), batcher.millisUntilReady()));
  }

  private void startIfReady() {
    if (inFlight != null || retries.millisUntilRetry() > 0 || !batcher.isReady()) {
      return;
    }
    Batch batch = batcher.drain();
    if (!runner.delivery().pollLoopCommits()) {
      batch.generation().set(source.generation());
    }
    inFlight = RunningBatch.start(runner.worker(), runner.handler(), batch);
  }

  /** The batch that finished since the last look, if it succeeded; a failed one is rewound here. */
  private Batch takeIfDone() {
    return inFlight != null && inFlight.isDone() ? settle(inFlight.outcome(Duration.ZERO)) : null;
  }

  /**
   * On stop: finishes the running batch within the drain timeout and commits it. One that fails or
   * does not finish in time stays uncommitted, not rewound (the source closes next): the next owner
   * reads it again, and its state updates, if any were written, are recognised as replays.
   */
  private void drain() {
    if (inFlight == null) {
      LOG.info("flow {}: stopping, no batch in flight", plan.name());
      return;
    }
    Batch batch = inFlight.batch();
    long timeout = runner.drainTimeout().toMillis();
    LOG.info(
        "flow {}: stopping, draining the batch of {} records (at most {} ms)",
        plan.name(),
        batch.size(),
        timeout);
    Throwable failure = inFlight.outcome(runner.drainTimeout());
    inFlight = null;
    if (failure instanceof FlowFailedException fatal) {
      throw fatal;
    }
    if (failure != null) {
      LOG.warn(
          "flow {}: the batch of {} records did not finish {}; it is not committed",
          plan.name(),
          batch.size(),
          failure instanceof TimeoutException ? "within " + timeout + " ms" : "(" + failure + ")");
    } else if (commit(batch)) {
      LOG.info("flow {}: drained, the batch of {} records is committed", plan.name(), batch.size());
    }
  }

  /** Waits for the running batch (bounded), then commits it or rewinds it. */
  private void finishInFlight(Duration timeout) {
    if (inFlight != null) {
      complete(inFlight.outcome(timeout));
    }
  }

  private void complete(Throwable failure) {
    Batch succeeded = settle(failure);
    if (succeeded != null) {
      committed(succeeded);
    }
  }

  /**
   * Clears the in-flight batch: returns it if it succeeded; rewinds it (returning null) if it
   * failed, unless the failure stops the flow (a fail-fast record, a refusal at the first batch).
   */
  private Batch settle(Throwable failure) {
    Batch batch = inFlight.batch();
    inFlight = null;
    if (failure == null) {
      refusals.succeeded();
      return batch;
    }
    if (failure instanceof FlowFailedException fatal) {
      throw fatal;
    }
    Optional<BrokerRefusedException> refused = refusals.failed(failure);
    if (refused.isPresent()) {
      throw refused.get();
    }
    rewind(batch, failure);
    return null;
  }

  private void committed(Batch batch) {
    commit(batch);
    retries.succeeded();
    state.healthy(true);
    state.retrying(null);
  }

  /**
   * Commits a succeeded batch's offsets (at-least-once), or notes that its transaction did; whether
   * they are committed.
   */
  private boolean commit(Batch batch) {
    if (runner.delivery().pollLoopCommits()) {
      return offsets.commit(batch.nextOffsets());
    }
    offsets.committedInTransaction();
    return true;
  }

  private void rewind(Batch batch, Throwable failure) {
    state.healthy(false);
    state.retrying(failure);
    runner.metrics().batchRetried();
    if (runner.delivery().pollLoopCommits()) {
      offsets.rewind(batch.firstOffsets());
    } else {
      offsets.rewindToCommitted(batch.firstOffsets(), () -> stopping);
    }
    batcher.drop(batch.firstOffsets().keySet());
    long backoff = retries.failed();
    LOG.warn(
        "flow {}: batch of {} failed ({}), retrying in {} ms",
        plan.name(),
        batch.size(),
        failure.toString(),
        backoff);
  }

  @Override
  public void onAssigned(Collection<SourcePartition> partitions) {
    state.assigned(!source.assignment().isEmpty());
    moveInFlightToCurrentGeneration();
    if (!partitions.isEmpty()) { // a cooperative rebalance also reports rounds that moved nothing
      runner.handler().partitionsChanged();
    }
    LOG.info("flow {}: assigned {}", plan.name(), partitions);
  }

  @Override
  public void onRevoked(Collection<SourcePartition> partitions) {
    LOG.info("flow {}: revoking {}", plan.name(), partitions);
    moveInFlightToCurrentGeneration(); // its partitions are owned until this callback returns
    if (inFlight != null && inFlight.batch().touches(partitions)) {
      finishInFlight(runner.drainTimeout());
    }
    forget(partitions);
  }

  @Override
  public void onLost(Collection<SourcePartition> partitions) {
    LOG.warn(
        "flow {}: lost {} without a clean revoke; nothing is committed for them",
        plan.name(),
        partitions);
    if (inFlight != null
        && !runner.delivery().pollLoopCommits()
        && inFlight.batch().touches(partitions)) {
      inFlight.batch().cancellation().cancel(); // its transaction must never commit now
    }
    forget(partitions);
  }

  @Override
  public void onPositionLost(Map<SourcePartition, Long> unread) {
    LOG.warn(
        "flow {}: records deleted before they were read (retention, or a recreated topic): {};"
            + " going on from the earliest record left, after checking the topics again",
        plan.name(),
        unread);
    unread.forEach((partition, count) -> runner.metrics().recordsUnread(partition.topic(), count));
    runner.handler().partitionsChanged();
  }

  /**
   * An exactly-once batch commits under the generation it started in; a rebalance that leaves its
   * partitions owned (an assignment, a revoke that waits for it) moves it to the new one, so the
   * broker does not refuse a commit it may make. A lost partition is never moved: a batch holding
   * one can only be refused.
   */
  private void moveInFlightToCurrentGeneration() {
    if (inFlight != null && !runner.delivery().pollLoopCommits()) {
      inFlight.batch().generation().set(source.generation());
    }
  }

  private void forget(Collection<SourcePartition> partitions) {
    runner.handler().partitionsChanged();
    batcher.drop(partitions);
    backPressure.forget(partitions);
    Set<SourcePartition> remaining = new HashSet<>(source.assignment());
    remaining.removeAll(partitions);
    state.assigned(!remaining.isEmpty());
  }
}
