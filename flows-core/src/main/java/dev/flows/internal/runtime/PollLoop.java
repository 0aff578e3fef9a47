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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
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
 *
 * <p>At-least-once, a batch whose processor {@linkplain Overlap#startNext() lets it} may have the
 * next batch start beside it while it finishes (awaits its acknowledgements; a materialise batch:
 * writes): at most two batches in flight, the older one always settled first. Offsets are committed
 * in batch order; when the older one fails, the newer one is given up and both are rewound
 * (docs/semantics.md, pipelined batches).
 */
public final class PollLoop implements FlowLoop, PartitionListener {
  private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);
  private static final long MAX_POLL_MILLIS = 100;
  private static final long BUSY_POLL_MILLIS = 5;

  /**
   * At most this many batches run at once: one awaiting its acknowledgements, the next one beside
   * it; the batch threads a flow needs.
   */
  static final int BATCHES_IN_FLIGHT = 2;

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
  private final BatchSignal signal = new BatchSignal();
  private final boolean overlapping;
  private volatile boolean stopping;

  /**
   * With a handler that ticks: each owned partition's offset to read next, where a batch holding no
   * record of it commits it (known after a batch of it, or read at assignment).
   */
  private final Map<SourcePartition, Long> positions = new HashMap<>();

  /** The batches running, oldest first: at most two, and two only when overlapping. */
  private final Deque<RunningBatch> inFlight = new ArrayDeque<>(BATCHES_IN_FLIGHT);

  /** Batches given up whose thread may still run them: no batch starts until they left it. */
  private final List<RunningBatch> abandoned = new ArrayList<>();

  /** The loop for {@code plan}, reading from {@code source}. */
  public PollLoop(Flow plan, Source source, BatchRunner runner, Clock clock, FlowState state) {
    this.plan = plan;
    this.source = source;
    this.batcher = Batcher.of(plan, source, clock);
    this.runner = runner;
    this.offsets = new SourceOffsets(plan.name(), source, runner.metrics());
    this.clock = clock;
    this.state = state;
    this.backPressure = new BackPressure(source);
    this.retries = new RetryClock(clock);
    this.overlapping = runner.delivery().pollLoopCommits();
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
    backPressure.apply(batcher);
    state.connected(source.isConnected() && runner.delivery().sink().isConnected());
    state.loopedAt(clock.millis());
  }

  /**
   * With the buffer full the partitions are paused and a poll could only wait: wait for a running
   * batch instead (bounded), so the next one starts the moment the oldest is done or the newest
   * lets it.
   */
  private void awaitBatchWhilePaused() {
    long seen = signal.seen();
    if (!inFlight.isEmpty() && batcher.isFull() && !inFlight.getFirst().isDone() && !canStart()) {
      signal.awaitAfter(seen, MAX_POLL_MILLIS);
    }
  }

  private long pollMillis() {
    if (!inFlight.isEmpty()) {
      return batcher.isFull() || inFlight.getFirst().isDone() || (canStart() && batcher.isReady())
          ? 0
          : BUSY_POLL_MILLIS;
    }
    return Math.min(
        MAX_POLL_MILLIS, Math.max(retries.millisUntilRetry(), batcher.millisUntilReady()));
  }

  /**
   * Whether a batch may start: none running, or (overlapping) one that lets the next start, and no
   * batch given up still on its thread.
   */
  private boolean canStart() {
    abandoned.removeIf(RunningBatch::hasLeftItsThread);
    if (!abandoned.isEmpty()) {
      return false;
    }
    return inFlight.isEmpty()
        || (overlapping
            && !stopping
            && inFlight.size() < BATCHES_IN_FLIGHT
            && inFlight.getLast().nextMayStart());
  }

  private void startIfReady() {
    if (retries.millisUntilRetry() > 0 || !canStart()) {
      return;
    }
    Map<SourcePartition, Long> idle = idleToTick();
    boolean ready = batcher.isReady();
    if (!ready && idle.isEmpty()) {
      return;
    }
    Batch batch = (ready ? batcher.drain() : Batch.of(List.of())).withIdle(idle);
    if (runner.handler().ticks()) {
      positions.putAll(batch.nextOffsets());
    }
    if (!runner.delivery().pollLoopCommits()) {
      batch.generation().set(source.generation());
    }
    inFlight.addLast(
        RunningBatch.start(
            runner.worker(), runner.handler(), batch, inFlight.peekLast(), signal::signal));
  }

  /**
   * The owned partitions whose wall-clock timers are due, at the offset to read next, except those
   * a batch in flight holds (it settles them first).
   */
  private Map<SourcePartition, Long> idleToTick() {
    Set<SourcePartition> due = runner.handler().dueTicks();
    if (due.isEmpty()) {
      return Map.of();
    }
    Map<SourcePartition, Long> idle = new HashMap<>();
    for (SourcePartition partition : due) {
      Long position = positions.get(partition);
      if (position != null
          && inFlight.stream().noneMatch(r -> r.batch().firstOffsets().containsKey(partition))) {
        idle.put(partition, position);
      }
    }
    return idle;
  }

  /**
   * The oldest batch, if it finished since the last look and succeeded; a failed one is rewound
   * here.
   */
  private Batch takeIfDone() {
    return !inFlight.isEmpty() && inFlight.getFirst().isDone()
        ? settle(inFlight.getFirst().outcome(Duration.ZERO))
        : null;
  }

  /**
   * On stop: finishes the running batch within the drain timeout and commits it. One that fails or
   * does not finish in time stays uncommitted, not rewound (the source closes next): the next owner
   * reads it again, and its state updates, if any were written, are recognised as replays.
   */
  private void drain() {
    if (inFlight.isEmpty()) {
      LOG.info("flow {}: stopping, no batch in flight", plan.name());
      return;
    }
    long deadline = System.nanoTime() + runner.drainTimeout().toNanos();
    while (!inFlight.isEmpty()) {
      RunningBatch oldest = inFlight.removeFirst();
      Batch batch = oldest.batch();
      long timeout = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
      LOG.info(
          "flow {}: stopping, draining the batch of {} records (at most {} ms)",
          plan.name(),
          batch.size(),
          timeout);
      Throwable failure = oldest.outcome(Duration.ofMillis(timeout));
      if (failure != null) {
        abandonInFlight(); // it cannot commit past the one that failed
      }
      if (failure instanceof FlowFailedException fatal) {
        throw fatal;
      }
      if (failure != null) {
        LOG.warn(
            "flow {}: the batch of {} records did not finish {}; it is not committed",
            plan.name(),
            batch.size(),
            failure instanceof TimeoutException
                ? "within " + runner.drainTimeout().toMillis() + " ms"
                : "(" + failure + ")");
      } else if (commit(batch)) {
        LOG.info(
            "flow {}: drained, the batch of {} records is committed", plan.name(), batch.size());
      }
    }
  }

  /** Waits for the running batches, oldest first (each bounded), then commits or rewinds them. */
  private void finishInFlight(Duration timeout) {
    while (!inFlight.isEmpty()) {
      complete(inFlight.getFirst().outcome(timeout));
    }
  }

  private void complete(Throwable failure) {
    Batch succeeded = settle(failure);
    if (succeeded != null) {
      committed(succeeded);
    }
  }

  /**
   * Clears the oldest batch in flight: returns it if it succeeded. If it failed, gives up the batch
   * after it too and rewinds both (returning null), unless the failure stops the flow (a fail-fast
   * record, a refusal at the first batch).
   */
  private Batch settle(Throwable failure) {
    RunningBatch oldest = inFlight.removeFirst();
    Batch batch = oldest.batch();
    if (failure == null) {
      refusals.succeeded();
      return batch;
    }
    if (!oldest.hasLeftItsThread()) { // given up after a timeout, its user code still running
      abandoned.add(oldest);
    }
    Map<SourcePartition, Long> firstOffsets = new HashMap<>(batch.firstOffsets());
    for (RunningBatch later : inFlight) {
      later.batch().firstOffsets().forEach(firstOffsets::putIfAbsent);
    }
    abandonInFlight();
    if (failure instanceof FlowFailedException fatal) {
      throw fatal;
    }
    Optional<BrokerRefusedException> refused = refusals.failed(failure);
    if (refused.isPresent()) {
      throw refused.get();
    }
    rewind(batch, firstOffsets, failure);
    return null;
  }

  /**
   * Gives up the batches still in flight after one that failed: none may commit past it. Each is
   * cancelled and waited for (bounded by the drain timeout); one still running then is remembered,
   * and no batch starts before its thread is free of it.
   */
  private void abandonInFlight() {
    for (RunningBatch later : inFlight) {
      later.abandon(runner.drainTimeout());
      if (!later.hasLeftItsThread()) {
        abandoned.add(later);
      }
    }
    inFlight.clear();
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
      return offsets.commit(batch.nextOffsets(), batch.commitMetadata().get());
    }
    offsets.committedInTransaction();
    return true;
  }

  /**
   * Rewinds the source to {@code firstOffsets} (the failed batch's, and those of a batch after it
   * given up) and retries after a backoff.
   */
  private void rewind(Batch batch, Map<SourcePartition, Long> firstOffsets, Throwable failure) {
    state.healthy(false);
    state.retrying(failure);
    runner.metrics().batchRetried();
    Map<SourcePartition, Long> sought =
        runner.delivery().pollLoopCommits()
            ? offsets.rewind(firstOffsets)
            : offsets.rewindToCommitted(firstOffsets, () -> stopping);
    batcher.drop(firstOffsets.keySet());
    positions.keySet().removeAll(firstOffsets.keySet());
    if (runner.handler().ticks()) {
      positions.putAll(sought); // where the source reads them next
    }
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
      runner.handler().assigned(partitions, p -> offsets.committedMetadata(p, () -> stopping));
      if (runner.handler().ticks()) {
        positions.putAll(offsets.committed(partitions));
      }
    }
    LOG.info("flow {}: assigned {}", plan.name(), partitions);
  }

  @Override
  public void onRevoked(Collection<SourcePartition> partitions) {
    LOG.info("flow {}: revoking {}", plan.name(), partitions);
    moveInFlightToCurrentGeneration(); // its partitions are owned until this callback returns
    if (inFlight.stream().anyMatch(running -> running.batch().touches(partitions))) {
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
    if (!runner.delivery().pollLoopCommits()) {
      for (RunningBatch running : inFlight) {
        if (running.batch().touches(partitions)) {
          running.batch().cancellation().cancel(); // its transaction must never commit now
        }
      }
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
    positions.keySet().removeAll(unread.keySet()); // read again from elsewhere
    runner.handler().partitionsChanged();
  }

  /**
   * An exactly-once batch commits under the generation it started in; a rebalance that leaves its
   * partitions owned (an assignment, a revoke that waits for it) moves it to the new one, so the
   * broker does not refuse a commit it may make. A lost partition is never moved: a batch holding
   * one can only be refused.
   */
  private void moveInFlightToCurrentGeneration() {
    if (!runner.delivery().pollLoopCommits()) {
      inFlight.forEach(running -> running.batch().generation().set(source.generation()));
    }
  }

  private void forget(Collection<SourcePartition> partitions) {
    runner.handler().partitionsChanged();
    batcher.drop(partitions);
    backPressure.forget(partitions);
    positions.keySet().removeAll(partitions);
    Set<SourcePartition> remaining = new HashSet<>(source.assignment());
    remaining.removeAll(partitions);
    state.assigned(!remaining.isEmpty());
  }
}
