package dev.flows.internal.runtime;

import dev.flows.Message;
import dev.flows.PermanentException;
import dev.flows.SessionWindows;
import dev.flows.Windowed;
import dev.flows.Windows;
import dev.flows.internal.plan.SessionWindowing;
import dev.flows.internal.plan.TimerCall;
import dev.flows.internal.plan.Windowing;
import dev.flows.internal.runtime.DeadLetters.Stage;
import dev.flows.internal.runtime.RowUpdater.Input;
import dev.flows.internal.state.RowImage;
import dev.flows.spi.SourcePartition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import java.util.function.ToIntFunction;

/**
 * Sends each record of a windowed flow to the persistence id of every window of its key it falls in
 * and that is still open at its partition's stream time; a record whose windows all closed is late:
 * dead-lettered or dropped (docs/semantics.md, "Event-time windows"). Stream time moves on record
 * by record, in partition order, from the time at the batch's first offset. When windows emit on
 * close, the record that moves stream time past a window's end plus grace is also sent to each of
 * that window's rows, as the input that closes it ({@link OpenWindows} knows the rows). A flow with
 * timers has no windows: its records go to their key's row, and the record that moves stream time
 * to a row's timer is also sent to that row, as the input that fires it; with wall-clock timers,
 * the first record of a batch that started once the wall clock reached the timer.
 */
final class WindowRouter {
  private final Windowing windowing;
  private final SessionWindowing sessions;
  private final boolean timed;
  private final boolean wallClock;
  private final Failures failures;
  private final FlowMetrics metrics;
  private final StreamTimes streamTimes = new StreamTimes();

  /**
   * A router of fixed {@code windowing}, or of {@code sessions}, or of a flow with {@code timers}:
   * one of them only.
   */
  WindowRouter(
      Windowing windowing,
      SessionWindowing sessions,
      TimerCall timers,
      Failures failures,
      FlowMetrics metrics) {
    this.windowing = windowing;
    this.sessions = sessions;
    this.timed = timers != null;
    this.wallClock = timed && timers.wallClock();
    this.failures = failures;
    this.metrics = metrics;
  }

  /**
   * Whether it keeps the open windows of each partition: for windows holding their outputs until
   * they close, and for sessions (whose rows drop closed sessions, and which the retention keeps).
   */
  boolean tracksOpen() {
    return timed || sessions != null || windowing.windows().emit() == Windows.Emit.ON_CLOSE;
  }

  /** The stream times to persist and restore. */
  StreamTimes streamTimes() {
    return streamTimes;
  }

  /** The stream times of one batch, record by record. */
  final class Pass {
    private final Map<SourcePartition, Long> times = new HashMap<>();
    private final Map<SourcePartition, OpenWindows> open;
    private final long startedAt;
    private final PublishedOffsets published;
    private final Map<SourcePartition, Long> nextTicks = new HashMap<>();

    /**
     * A pass over {@code batch}, started at wall-clock time {@code startedAt}, with the windows of
     * its partitions when they emit on close ({@code open}, empty otherwise): those whose closing
     * outputs {@code published} knows are out are forgotten.
     */
    Pass(
        Batch batch,
        Map<SourcePartition, OpenWindows> open,
        PublishedOffsets published,
        long startedAt) {
      batch.firstOffsets().forEach((p, first) -> times.put(p, streamTimes.at(p, first)));
      this.open = open;
      this.startedAt = startedAt;
      this.published = published;
      open.forEach(
          (p, windows) ->
              windows.forgetPublished(
                  offset -> published.covers(p, offset),
                  tick -> published.covers(Ticks.of(p), tick)));
    }

    /**
     * Adds {@code input} to {@code byId} once per open window, under the id of {@code keyId} and
     * the window, keyed by the window; or dead-letters it through {@code acks}, or drops it.
     */
    void route(Input input, String keyId, Map<String, List<Input>> byId, BatchAcks acks)
        throws Exception {
      if (sessions != null) {
        routeSession(input, keyId, byId, acks);
        return;
      }
      if (timed) {
        routeTimed(input, keyId, byId);
        return;
      }
      Message<Object, Object> record = input.decoded();
      long timestamp = eventTime(windowing.timestamp(record));
      SourcePartition partition = input.consumed();
      long streamTime = times.get(partition);
      List<Windowed<Object>> open = new ArrayList<>();
      for (Windowed<Object> window : windowing.windowsFor(record.key(), timestamp)) {
        if (!windowing.closed(window, streamTime)) {
          open.add(window);
        }
      }
      if (open.isEmpty()) {
        late(input, timestamp, streamTime, acks);
        return;
      }
      long now = Math.max(streamTime, timestamp);
      times.put(partition, now);
      OpenWindows known = this.open.get(partition);
      for (Windowed<Object> window : open) {
        String id = Windowing.id(keyId, window);
        byId.computeIfAbsent(id, i -> new ArrayList<>())
            .add(new Input(input.raw(), record.withKey(window)));
        if (known != null) {
          known.add(window.start(), id);
        }
      }
      if (known != null) {
        long offset = input.raw().offset();
        for (String id : known.closedBy(offset, start -> windowing.closed(start, now))) {
          byId.computeIfAbsent(id, i -> new ArrayList<>())
              .add(new Input(input.raw(), record, true, timestamp, now));
        }
      }
    }

    /**
     * Adds {@code input} to the row of its key's sessions, with its event time and the stream time
     * after it, unless late; and a closing input to each other row with a session it closes.
     */
    private void routeSession(
        Input input, String keyId, Map<String, List<Input>> byId, BatchAcks acks) throws Exception {
      Message<Object, Object> record = input.decoded();
      long timestamp = eventTime(sessions.timestamp(record));
      SourcePartition partition = input.consumed();
      long streamTime = times.get(partition);
      if (sessions.late(timestamp, streamTime)) {
        lateForSession(input, timestamp, streamTime, acks);
        return;
      }
      long now = Math.max(streamTime, timestamp);
      times.put(partition, now);
      Message<byte[], byte[]> raw = input.raw();
      byId.computeIfAbsent(keyId, i -> new ArrayList<>(2))
          .add(new Input(raw, record, false, timestamp, now));
      OpenWindows known = this.open.get(partition);
      LongPredicate closes = closesAt -> closesAt <= now;
      if (known.routedBefore(raw.offset())) {
        closes = closesAt -> false; // a replay: only what it closed the first time
      } else {
        known.register(keyId, sessions.closesAt(timestamp), sessions.sessions().gap().toMillis());
      }
      for (String id : known.closedBy(raw.offset(), closes)) {
        if (!id.equals(keyId)) { // the record's own input closes its key's sessions first
          byId.computeIfAbsent(id, i -> new ArrayList<>(1))
              .add(new Input(raw, record, true, timestamp, now));
        }
      }
    }

    /**
     * Adds {@code input} to the row of its key, with the time its timer is compared with: the
     * stream time after it (a record without a timestamp leaves it as it was), or with wall-clock
     * timers the time the batch started; and a firing input to each other row whose timer that time
     * reached. A replay fires only what it fired the first time.
     */
    private void routeTimed(Input input, String keyId, Map<String, List<Input>> byId) {
      Message<byte[], byte[]> raw = input.raw();
      SourcePartition partition = input.consumed();
      long timestamp = raw.timestamp();
      long now = timestamp < 0 ? times.get(partition) : Math.max(times.get(partition), timestamp);
      times.put(partition, now);
      long timerTime = wallClock ? startedAt : now;
      byId.computeIfAbsent(keyId, i -> new ArrayList<>(2))
          .add(new Input(raw, input.decoded(), false, timestamp, timerTime));
      OpenWindows known = this.open.get(partition);
      LongPredicate due = known.routedBefore(raw.offset()) ? at -> false : at -> at <= timerTime;
      for (String id : known.closedBy(raw.offset(), due)) {
        if (!id.equals(keyId)) { // the record's own input fires its key's timer first
          byId.computeIfAbsent(id, i -> new ArrayList<>(1))
              .add(new Input(raw, input.decoded(), true, timestamp, timerTime));
        }
      }
    }

    /**
     * Routes the ticks of a flow with wall-clock timers ({@link Ticks}): on every partition of
     * {@code batch}, each tick whose firings are not known published again, to the rows it fired
     * (which re-emit them); and on each partition of the batch without records, a new tick to each
     * row whose timer the time the batch started reached. Without pipelined batches, every tick not
     * known published was routed by a batch that failed or by an earlier owner.
     */
    void tick(Batch batch, Map<String, List<Input>> byId) {
      open.forEach(
          (partition, windows) -> {
            for (long replayed : windows.unpublishedTicks()) {
              route(partition, replayed, windows.ticked(replayed, at -> false), byId);
            }
            long next = nextTick(partition, windows);
            if (batch.idle().contains(partition)) {
              Collection<String> fired = windows.ticked(next, at -> at <= startedAt);
              route(partition, next, fired, byId);
              next += fired.isEmpty() ? 0 : 1;
            }
            if (next > 0) {
              nextTicks.put(partition, next);
            }
          });
    }

    /**
     * The number of {@code partition}'s next tick: after its last, and after every tick known
     * published, should the row of open windows that knew the last have gone (purged once empty).
     */
    private long nextTick(SourcePartition partition, OpenWindows windows) {
      return Math.max(windows.lastTick() + 1, published.next(Ticks.of(partition)));
    }

    /** Adds the firing input of tick {@code number} of {@code partition} to each of {@code ids}. */
    private void route(
        SourcePartition partition,
        long number,
        Collection<String> ids,
        Map<String, List<Input>> byId) {
      Message<byte[], byte[]> tick = Ticks.record(partition, number, startedAt);
      Message<Object, Object> decoded =
          new Message<>(
              tick.topic(), tick.partition(), number, startedAt, null, null, tick.headers());
      for (String id : ids) {
        byId.computeIfAbsent(id, i -> new ArrayList<>(1))
            .add(new Input(tick, decoded, true, startedAt, startedAt));
      }
    }

    /**
     * For each partition whose ticks fired something, the partition of its ticks and the first tick
     * after the last: what this batch publishes of them.
     */
    Map<SourcePartition, Long> tickOffsets() {
      Map<SourcePartition, Long> next = new HashMap<>();
      nextTicks.forEach((partition, tick) -> next.put(Ticks.of(partition), tick));
      return next;
    }

    /** The time of each partition's earliest open timer, {@link Long#MAX_VALUE} for none. */
    Map<SourcePartition, Long> earliestTimers() {
      Map<SourcePartition, Long> earliest = new HashMap<>();
      open.forEach((partition, windows) -> earliest.put(partition, windows.earliestOpen()));
      return earliest;
    }

    /**
     * Notes the timer of each row {@code results} knows it, in the open windows of each partition
     * whose records (or ticks) reached the row ({@code byId}): a row's timer fires when one of them
     * reaches its time. A row the batch only replayed notes its stored timer again, so a timer
     * written with a row whose open-windows row was not written (another instance took the
     * partition) is noted when the partition is replayed.
     */
    void schedule(Map<String, List<Input>> byId, Map<String, RowUpdater.Result> results) {
      results.forEach(
          (id, result) -> {
            if (!result.timed()) {
              return;
            }
            Long at = result.timer() == null ? null : result.timer().at();
            SourcePartition last = null;
            for (Input input : byId.get(id)) {
              if (!input.consumed().equals(last)) {
                last = input.consumed();
                open.get(Ticks.inputOf(last)).schedule(id, at);
              }
            }
          });
    }

    /**
     * Notes each row {@code results} asks to be reached again, in the open windows of the partition
     * asked, under the stream time asked: a window or session it passed that waits for slower
     * partitions, or a session extended past what the partition registered. Its record then closes
     * what is due.
     */
    void closeLater(Map<String, RowUpdater.Result> results) {
      results.forEach(
          (id, result) ->
              result
                  .closeChecks()
                  .forEach(
                      (partition, at) ->
                          open.get(partition)
                              .addClosingAfter(
                                  sessions != null ? at : windowing.startClosingAt(at), id)));
    }

    /**
     * Checkpoints the stream times at the batch's next offsets, and asks to commit them; returns
     * the rows of open windows to write with the batch's state.
     */
    List<RowImage> end(Batch batch, ToIntFunction<String> generation) {
      Map<SourcePartition, String> metadata = new HashMap<>();
      batch
          .nextOffsets()
          .forEach(
              (p, next) -> {
                streamTimes.checkpoint(p, next, times.get(p));
                Long ticks = nextTicks.get(p);
                String saying =
                    Ticks.join(
                        streamTimes.metadata(p, next),
                        ticks == null ? null : Ticks.metadata(ticks));
                if (saying != null) {
                  metadata.put(p, saying);
                }
              });
      batch.commitMetadata().set(Map.copyOf(metadata));
      List<RowImage> changed = new ArrayList<>();
      for (OpenWindows windows : open.values()) {
        RowImage row = windows.changedRow(generation);
        if (row != null) {
          changed.add(row);
        }
      }
      return changed;
    }
  }

  private static long eventTime(long timestamp) {
    if (timestamp < 0) {
      throw new PermanentException(
          "the record has no event time (timestamp "
              + timestamp
              + "): windows need a timestamp of 0 or more; set one, or use timestampFrom(...)",
          null);
    }
    return timestamp;
  }

  private void lateForSession(Input input, long timestamp, long streamTime, BatchAcks acks) {
    SessionWindows windows = sessions.sessions();
    lateRecord(
        input,
        windows.late(),
        "late record: event time "
            + timestamp
            + " plus the session gap "
            + windows.gap()
            + " and grace "
            + windows.grace()
            + " is at or before the stream time "
            + streamTime
            + " of "
            + input.consumed().topic()
            + "-"
            + input.consumed().partition()
            + ", so its session is closed",
        acks);
  }

  private void lateRecord(Input input, Windows.Late late, String reason, BatchAcks acks) {
    if (late == Windows.Late.DROP) {
      metrics.windowLate("drop");
      return;
    }
    metrics.windowLate("dead_letter");
    acks.send(
        failures.deadLetter(input.raw(), new PermanentException(reason, null), 1, Stage.PROCESS),
        input.raw());
  }

  private void late(Input input, long timestamp, long streamTime, BatchAcks acks) {
    Windows windows = windowing.windows();
    List<Windowed<Object>> all = windowing.windowsFor(null, timestamp);
    Windowed<Object> last = all.get(all.size() - 1);
    lateRecord(
        input,
        windows.late(),
        "late record: event time "
            + timestamp
            + " falls in window ["
            + last.start()
            + ", "
            + last.end()
            + "), closed since its end plus grace "
            + windows.grace()
            + " is at or before the stream time "
            + streamTime
            + " of "
            + input.consumed().topic()
            + "-"
            + input.consumed().partition(),
        acks);
  }
}
