package dev.flows.internal.runtime;

import dev.flows.FlowsException;
import dev.flows.FormatException;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.PermanentException;
import dev.flows.RowRefusedException;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.Windows;
import dev.flows.internal.plan.Codec;
import dev.flows.internal.plan.SessionWindowing;
import dev.flows.internal.plan.StatefulPlan;
import dev.flows.internal.plan.TimerCall;
import dev.flows.internal.plan.Windowing;
import dev.flows.internal.runtime.DeadLetters.Stage;
import dev.flows.internal.state.Codecs;
import dev.flows.internal.state.DedupeWindow;
import dev.flows.internal.state.KeySessions;
import dev.flows.internal.state.KeySessions.Session;
import dev.flows.internal.state.KeyTimer;
import dev.flows.internal.state.Progress;
import dev.flows.internal.state.RowImage;
import dev.flows.internal.state.StoredOutput;
import dev.flows.internal.state.WindowPasses;
import dev.flows.internal.trace.BatchTrace;
import dev.flows.internal.trace.Trace;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.SourcePartition;
import dev.flows.spi.StateRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * Applies one key's records of a batch to its row (docs/semantics.md, protocol v2). A record at or
 * below the row's progress for the partition it was consumed from is a replay: its stored outputs
 * are published again. A join envelope is checked against the row's dedupe window of its origin
 * partition: a duplicate is skipped, one older than the window is dead-lettered. Every other record
 * is applied. The row to write keeps every output not yet known published, whatever partition it
 * came from, so a write caused by one partition never drops another's unpublished outputs. A window
 * emitting on close holds its last outputs instead, until the record that closes it publishes them
 * (and their replay re-emits them). Thread-safe: with {@code concurrency > 1} the key lanes call it
 * for different ids at once; it keeps no state between calls, and each call changes only its own
 * row's copy.
 */
final class RowUpdater {
  /** The header of a failed timer's dead letter: the timer's time. */
  static final String TIMER_HEADER = "flows.timer";

  /** The smallest dedupe window of a join, in offsets of an origin partition: {@value}. */
  static final int MIN_DEDUPE_SPAN = 10_000;

  /**
   * One input record, raw (as consumed) and decoded (with its origin coordinates); or, when {@code
   * closes}, the record whose event time closed the row's window: it is not applied, it publishes
   * the row's held outputs. A session-windowed flow's inputs carry the record's event time; those
   * of sessions and timers carry {@code now}, the time the row compares its sessions and timers
   * with: the stream time after the record, or with wall-clock timers the time the batch started.
   */
  record Input(
      Message<byte[], byte[]> raw,
      Message<Object, Object> decoded,
      boolean closes,
      long eventTime,
      long now) {
    Input(Message<byte[], byte[]> raw, Message<Object, Object> decoded) {
      this(raw, decoded, false);
    }

    Input(Message<byte[], byte[]> raw, Message<Object, Object> decoded, boolean closes) {
      this(raw, decoded, closes, Long.MIN_VALUE, Long.MIN_VALUE);
    }

    SourcePartition consumed() {
      return new SourcePartition(raw.topic(), raw.partition());
    }

    SourcePartition origin() {
      return new SourcePartition(decoded.topic(), decoded.partition());
    }
  }

  /** How a record was handled. */
  enum Handling {
    /** Seen before: its stored outputs are published again. */
    REPLAY,
    /** A join envelope applied already: nothing to do. */
    DUPLICATE,
    /** Applied, or dead-lettered in its stead: the row changes. */
    APPLIED,
    /** Closed the row's window: its held outputs are published. */
    CLOSED
  }

  /**
   * A record, how it was handled, what to publish for it and what to hold until its window closes.
   */
  record Handled(
      Input input, Handling handling, List<OutgoingRecord> outputs, List<OutgoingRecord> held) {
    Handled(Input input, Handling handling, List<OutgoingRecord> outputs) {
      this(input, handling, outputs, List.of());
    }
  }

  /**
   * What one key's records produced.
   *
   * @param written the row to write (with what it was encoded from), {@code null} if nothing
   *     changed it
   * @param handled every record, in order
   * @param timed whether {@code timer} is the row's timer once written (a flow with timers, a row
   *     not refused)
   * @param timer the row's timer, {@code null} for none
   * @param closeChecks for each partition whose closing input left a window or session of the row
   *     open, the stream time at which it should reach the row again to close it
   */
  record Result(
      RowImage written,
      List<Handled> handled,
      boolean timed,
      KeyTimer timer,
      Map<SourcePartition, Long> closeChecks) {
    Result(RowImage written, List<Handled> handled) {
      this(written, handled, false, null, Map.of());
    }
  }

  /**
   * What is known beyond the row.
   *
   * @param generation the current generation of each topic
   * @param published which outputs are known to be acknowledged
   */
  record Known(ToIntFunction<String> generation, PublishedOffsets published) {}

  private final StatefulPlan plan;
  private final UserCode userCode;
  private final Failures failures;
  private final int dedupeSpan;
  private final boolean carriesOrigin;
  private final boolean holdsOutputs;
  private final SessionWindowing sessions;
  private final Windowing closingWindows; // fixed windows emitting on close, else null
  private final TimerCall timers;
  private final LatestOutputs latest;
  private final FlowMetrics metrics;

  RowUpdater(StatefulPlan plan, UserCode userCode, Failures failures, FlowMetrics metrics) {
    this.plan = plan;
    this.metrics = metrics;
    this.userCode = userCode;
    this.failures = failures;
    this.dedupeSpan = Math.max(MIN_DEDUPE_SPAN, 4 * plan.options().maxRecords());
    this.carriesOrigin = plan.reader().carriesOrigin();
    this.sessions = plan.sessions();
    this.closingWindows = sessions == null && plan.holdsOutputs() ? plan.windowing() : null;
    this.timers = plan.timers();
    this.latest =
        plan.latestPerBatch()
            ? new LatestOutputs(
                plan.outputs().stream().map(Topic::name).collect(Collectors.toSet()))
            : null;
    this.holdsOutputs = plan.holdsOutputs();
  }

  /**
   * Applies {@code inputs} to the row {@code image} of {@code id}; each record applied runs in its
   * own span of {@code trace} (with per-record spans on).
   */
  Result update(String id, RowImage image, List<Input> inputs, Known known, BatchTrace trace) {
    StateRow row = image == null ? null : image.row();
    Progress progress = progress(image, known);
    List<StoredOutput> pending = unpublished(image, known, inputs.size());
    int stored = pending.size();
    StoredState state = new StoredState(plan.state(), id, row);
    RowTimer timer = timers == null ? null : new RowTimer(image == null ? null : image.timer());
    WindowPasses passes = null;
    if (closingWindows != null) {
      passes = image == null ? WindowPasses.NONE : image.passes(known.generation());
    }
    List<Handled> handled = new ArrayList<>(inputs.size());
    Map<SourcePartition, Long> closeChecks = Map.of();
    boolean changed = false;
    for (Input input : inputs) {
      SourcePartition consumed = input.consumed();
      long offset = input.raw().offset();
      if (progress.covers(consumed, offset)) {
        handled.add(new Handled(input, Handling.REPLAY, reemit(pending, consumed, offset)));
        continue;
      }
      if (sessions != null || timer != null) {
        Handled result =
            sessions != null
                ? sessionStep(id, input, progress, state, trace)
                : timedStep(id, input, progress, state, timer, trace);
        if (result == null) {
          handled.add(new Handled(input, Handling.CLOSED, List.of()));
          if (sessions != null) {
            closeChecks = checkSessionsLater(input, state, closeChecks);
          }
          continue;
        }
        handled.add(result);
        progress.advance(consumed, offset);
        changed = true;
        for (OutgoingRecord output : result.outputs()) {
          pending.add(new StoredOutput(consumed, offset, output));
        }
        if (sessions != null && input.closes()) {
          closeChecks = checkSessionsLater(input, state, closeChecks);
        }
        continue;
      }
      if (input.closes()) {
        if (passes != null && passes.closed()) {
          handled.add(new Handled(input, Handling.CLOSED, List.of()));
          continue;
        }
        WindowPasses before = passes;
        if (passes != null) {
          passes = passed(id, input, progress, passes);
        }
        Handled closed =
            passes == null || passes.closed()
                ? close(input, pending)
                : new Handled(input, Handling.CLOSED, List.of());
        long waitedUntil = passes == null ? Long.MAX_VALUE : closingWindows.waitedUntil(id);
        if (passes != null && !passes.closed() && waitedUntil != Long.MAX_VALUE) {
          closeChecks = with(closeChecks, consumed, waitedUntil);
        }
        if (!closed.outputs().isEmpty() || !Objects.equals(passes, before)) {
          progress.advance(consumed, offset);
          changed = true;
        }
        handled.add(closed);
        continue;
      }
      if (passes != null && passes.closed()) {
        handled.add(lateForClosed(id, input, passes));
        continue;
      }
      progress.advance(consumed, offset);
      changed = true;
      Handled result = applyTraced(id, input, progress, state, null, trace.record(input.raw()));
      handled.add(result);
      for (OutgoingRecord output : result.outputs()) {
        pending.add(new StoredOutput(consumed, offset, output));
      }
      if (!result.held().isEmpty()) {
        pending.removeIf(StoredOutput::held);
        result.held().forEach(o -> pending.add(new StoredOutput(consumed, offset, o, true)));
      }
    }
    if (latest != null && pending.size() - stored > 1) {
      latest.keepLast(handled, pending, stored);
    }
    KeyTimer timerNow = timer == null ? null : timer.current();
    if (!changed) {
      return new Result(null, handled, timer != null, timerNow, closeChecks);
    }
    StateRow written =
        new StateRow(
            id,
            state.encoded(),
            state.encodedVersion(),
            progress.encode(known.generation()),
            Codecs.encodeResults(
                pending, timerNow, passes == WindowPasses.NONE ? null : passes, known.generation()),
            row == null ? 1 : row.version() + 1);
    return new Result(
        new RowImage(written, progress, pending, timerNow, passes),
        handled,
        timer != null,
        timerNow,
        closeChecks);
  }

  /**
   * One input of a flow with timers: first fires the row's timer if the stream time after the input
   * reached it (its outputs become the input's), then applies a record. Returns {@code null} for a
   * firing input whose timer is not due (moved or cancelled since): the row stays as it is.
   */
  private Handled timedStep(
      String id,
      Input input,
      Progress progress,
      StoredState state,
      RowTimer timer,
      BatchTrace trace) {
    List<OutgoingRecord> outputs = List.of();
    if (timer.dueAt(input.now())) {
      outputs = new ArrayList<>(fire(input, state, timer));
    } else if (input.closes()) {
      return null;
    }
    if (input.closes()) {
      return new Handled(input, Handling.CLOSED, outputs);
    }
    Handled applied = applyTraced(id, input, progress, state, timer, trace.record(input.raw()));
    if (outputs.isEmpty()) {
      return applied;
    }
    outputs.addAll(applied.outputs());
    return new Handled(input, applied.handling(), outputs);
  }

  /**
   * Fires the row's due timer, at {@code input}: calls the timer function with the key's state and
   * returns its outputs, or the dead letter of the timer when it fails (the state as it was).
   * Either way the timer ends, unless the function sets the next one.
   */
  private List<OutgoingRecord> fire(Input input, StoredState state, RowTimer timer) {
    KeyTimer due = timer.current();
    timer.fired();
    metrics.timerFired();
    Message<byte[], byte[]> raw = input.raw();
    Object current;
    try {
      current = state.current();
    } catch (FormatException e) {
      return List.of(failures.deadLetter(asRecord(raw, due), e, 1, Stage.PROCESS));
    }
    List<OutgoingRecord> encoded = new ArrayList<>(1);
    UserCode.Outcome<StateUpdate<?, ?>> outcome =
        userCode.run(
            () -> {
              encoded.clear();
              TimerCall.Fired fired = timers.fire(due.key(), current, due.at());
              for (Object value : fired.update().outputs()) {
                encoded.add(
                    encodeOutput(
                        new Message<>(
                            raw.topic(),
                            raw.partition(),
                            raw.offset(),
                            due.at(),
                            fired.key(),
                            value,
                            Headers.empty())));
              }
              return fired.update();
            });
    if (!outcome.succeeded()) {
      return List.of(
          failures.deadLetter(
              asRecord(raw, due), outcome.failure(), outcome.attempts(), Stage.PROCESS));
    }
    StateUpdate<?, ?> update = outcome.value();
    switch (update.action()) {
      case KEEP -> {}
      case SET -> state.set(update.state());
      case DELETE -> state.set(null);
    }
    timer.apply(update.timer(), due.at(), () -> due.key());
    return encoded;
  }

  /**
   * A failed timer as the record its dead letter carries: at the coordinates of the record that
   * fired it (a tick: its input partition, offset -1), keyed by the timer's key, stamped with its
   * time, without a value.
   */
  private static Message<byte[], byte[]> asRecord(Message<byte[], byte[]> firedBy, KeyTimer due) {
    SourcePartition consumed = new SourcePartition(firedBy.topic(), firedBy.partition());
    boolean tick = Ticks.isTicks(consumed);
    return new Message<>(
        firedBy.topic(),
        Ticks.inputOf(consumed).partition(),
        tick ? -1 : firedBy.offset(),
        due.at(),
        due.key(),
        null,
        Headers.empty().with(TIMER_HEADER, Instant.ofEpochMilli(due.at()).toString()));
  }

  /**
   * {@code checks} with the stream time at which {@code closing}'s partition should reach the row
   * again to close its earliest open session, if it has one.
   */
  private Map<SourcePartition, Long> checkSessionsLater(
      Input closing, StoredState state, Map<SourcePartition, Long> checks) {
    KeySessions current;
    try {
      current = (KeySessions) state.current();
    } catch (FormatException e) {
      return checks;
    }
    long next = sessions.nextCheck(current, closing.consumed());
    return next == Long.MAX_VALUE ? checks : with(checks, closing.consumed(), next);
  }

  /** {@code checks} with {@code partition}'s check at {@code at} (the earlier of two). */
  private static Map<SourcePartition, Long> with(
      Map<SourcePartition, Long> checks, SourcePartition partition, long at) {
    Map<SourcePartition, Long> more = checks.isEmpty() ? new HashMap<>(2) : checks;
    more.merge(partition, at, Math::min);
    return more;
  }

  /**
   * The passes of the row {@code id}'s window once {@code closing}'s partition passed it: closed
   * when every partition in the row's {@code progress} passed it, or when the stream time passed
   * the window's close by the slow-partition wait.
   */
  private WindowPasses passed(String id, Input closing, Progress progress, WindowPasses passes) {
    Set<SourcePartition> passed = new HashSet<>(passes.passed());
    passed.add(closing.consumed());
    boolean all = progress.consumedOnly(passed::contains);
    return new WindowPasses(passed, all || closing.now() >= closingWindows.waitedUntil(id));
  }

  /**
   * A record of a partition whose stream time had not passed the row's window when it closed
   * without waiting longer for it: late, dead-lettered or dropped as the windows say. The row stays
   * as it was; a replay decides the same.
   */
  private Handled lateForClosed(String id, Input input, WindowPasses passes) {
    Windows windows = closingWindows.windows();
    if (windows.late() == Windows.Late.DROP) {
      metrics.windowLate("drop");
      return new Handled(input, Handling.CLOSED, List.of());
    }
    metrics.windowLate("dead_letter");
    String reason =
        "late record: window "
            + id
            + " closed when the stream time of "
            + passes.passed().stream().map(String::valueOf).sorted().toList()
            + " passed its end plus grace "
            + windows.grace()
            + (windows.slowPartitionWait() == null
                ? ""
                : " (and the slow-partition wait " + windows.slowPartitionWait() + ")")
            + ", before that of "
            + input.consumed()
            + " did";
    return new Handled(
        input,
        Handling.CLOSED,
        List.of(
            failures.deadLetter(
                input.raw(), new PermanentException(reason, null), 1, Stage.PROCESS)));
  }

  /**
   * Publishes the held outputs as the outputs of the record that closed the window; the caller
   * advances the row's progress to that record, so its replay re-emits them. Nothing held, nothing
   * changes.
   */
  private static Handled close(Input input, List<StoredOutput> pending) {
    SourcePartition consumed = input.consumed();
    long offset = input.raw().offset();
    List<OutgoingRecord> finals = new ArrayList<>(1);
    for (ListIterator<StoredOutput> i = pending.listIterator(); i.hasNext(); ) {
      StoredOutput stored = i.next();
      if (stored.held()) {
        finals.add(stored.record());
        i.set(new StoredOutput(consumed, offset, stored.record()));
      }
    }
    return new Handled(input, Handling.CLOSED, finals);
  }

  /**
   * One input of a session-windowed row: first closes the row's sessions closed at the input's
   * stream time (their held outputs become the input's outputs), then applies a record to the
   * sessions it joins. Returns {@code null} for a closing input that closed nothing: the row stays
   * as it is.
   */
  private Handled sessionStep(
      String id, Input input, Progress progress, StoredState state, BatchTrace trace) {
    KeySessions current;
    try {
      current = (KeySessions) state.current();
    } catch (FormatException e) {
      return input.closes() ? null : deadLettered(input, e, 1, trace.record(input.raw()));
    }
    boolean later = current.observe(input.consumed(), input.now(), progress);
    List<Session> closed = current.removeClosed(session -> sessions.closed(session, current));
    List<OutgoingRecord> outputs = new ArrayList<>(1);
    closed.forEach(session -> outputs.addAll(session.held()));
    if (input.closes()) {
      if (closed.isEmpty() && !later) {
        return null;
      }
      state.set(current.isEmpty() ? null : current);
      return new Handled(input, Handling.CLOSED, outputs);
    }
    Trace span = trace.record(input.raw());
    Trace.Scope scope = span.enter();
    try {
      Handled applied = applyToSessions(id, input, current, span);
      state.set(current.isEmpty() ? null : current);
      outputs.addAll(applied.outputs());
      return new Handled(input, Handling.APPLIED, outputs);
    } finally {
      scope.close();
      span.end();
    }
  }

  /**
   * Applies a record to the sessions of {@code current} it joins, merged, and replaces them by the
   * session the state function leaves (none when it deletes the state); a failure is dead-lettered
   * and leaves them as they were.
   */
  private Handled applyToSessions(String id, Input input, KeySessions current, Trace span) {
    long t = input.eventTime();
    List<Session> joined = sessions.joinedBy(current, t);
    long start = t;
    long end = t;
    for (Session session : joined) {
      start = Math.min(start, session.start());
      end = Math.max(end, session.end());
    }
    Object key = input.decoded().key();
    Input windowed =
        new Input(input.raw(), input.decoded().withKey(SessionWindowing.window(key, start, end)));
    Object[] merged = new Object[1];
    List<OutgoingRecord> encoded = new ArrayList<>(1);
    UserCode.Outcome<StateUpdate<?, ?>> outcome =
        userCode.run(
            () -> {
              encoded.clear();
              merged[0] = sessions.merged(key, joined);
              return decide(id, windowed, merged[0], encoded);
            });
    if (!outcome.succeeded()) {
      return deadLettered(input, outcome.failure(), outcome.attempts(), span);
    }
    StateUpdate<?, ?> update = outcome.value();
    Object next =
        switch (update.action()) {
          case KEEP -> merged[0];
          case SET -> update.state();
          case DELETE -> null;
        };
    List<OutgoingRecord> held = List.of();
    if (holdsOutputs) {
      held = encoded.isEmpty() ? lastHeld(joined) : encoded;
    }
    current.replace(joined, next == null ? null : new Session(start, end, next, held));
    return new Handled(input, Handling.APPLIED, holdsOutputs ? List.of() : encoded);
  }

  /** The outputs held by the latest-ending of {@code joined} that holds any. */
  private static List<OutgoingRecord> lastHeld(List<Session> joined) {
    Session latest = null;
    for (Session session : joined) {
      if (!session.held().isEmpty() && (latest == null || session.end() >= latest.end())) {
        latest = session;
      }
    }
    return latest == null ? List.of() : latest.held();
  }

  /** Handles a new record in its span {@code span}, which fails if the record is dead-lettered. */
  private Handled applyTraced(
      String id, Input input, Progress progress, StoredState state, RowTimer timer, Trace span) {
    Trace.Scope current = span.enter();
    try {
      return handleNew(id, input, progress, state, timer, span);
    } finally {
      current.close();
      span.end();
    }
  }

  /**
   * The result for a row the store refused: each record that would have changed it is dead-lettered
   * with {@code reason} instead of publishing its outputs; replays stay.
   */
  Result refused(Result result, String reason) {
    RowRefusedException error = new RowRefusedException(reason);
    List<Handled> handled = new ArrayList<>(result.handled().size());
    for (Handled h : result.handled()) {
      handled.add(
          h.handling() != Handling.APPLIED
              ? h
              : new Handled(
                  h.input(),
                  h.handling(),
                  List.of(failures.deadLetter(h.input().raw(), error, 1, Stage.STORE))));
    }
    return new Result(null, handled);
  }

  private Progress progress(RowImage image, Known known) {
    return image == null
        ? Progress.empty()
        : image.progress(known.generation(), dedupeSpan, carriesOrigin).copy();
  }

  /**
   * The row's stored outputs not yet known published, and those held: kept until published; with
   * room for about one output per new record.
   */
  private static List<StoredOutput> unpublished(RowImage image, Known known, int records) {
    List<StoredOutput> kept = image == null ? List.of() : image.outputs(known.generation());
    List<StoredOutput> pending = new ArrayList<>(kept.size() + records);
    for (StoredOutput stored : kept) {
      if (stored.held() || !known.published().covers(stored.source(), stored.offset())) {
        pending.add(stored);
      }
    }
    return pending;
  }

  private static List<OutgoingRecord> reemit(
      List<StoredOutput> pending, SourcePartition source, long offset) {
    List<OutgoingRecord> again = new ArrayList<>(1);
    for (StoredOutput stored : pending) {
      if (!stored.held() && stored.offset() == offset && stored.source().equals(source)) {
        again.add(stored.record());
      }
    }
    return again;
  }

  /** A record not seen on its consumed partition: deduped by origin (joins), then applied. */
  private Handled handleNew(
      String id, Input input, Progress progress, StoredState state, RowTimer timer, Trace span) {
    if (carriesOrigin) {
      DedupeWindow window = progress.origin(input.origin(), dedupeSpan);
      long origin = input.decoded().offset();
      switch (window.check(origin)) {
        case DUPLICATE -> {
          return new Handled(input, Handling.DUPLICATE, List.of());
        }
        case TOO_OLD -> {
          return deadLettered(input, tooOld(input, window), 1, span);
        }
        case NEW -> window.applied(origin);
      }
    }
    return apply(id, input, state, timer, span);
  }

  private FlowsException tooOld(Input input, DedupeWindow window) {
    return new FlowsException(
        "join envelope of "
            + input.origin()
            + "@"
            + input.decoded().offset()
            + " is older than the dedupe window of its key ("
            + window.span()
            + " offsets below the highest applied, "
            + window.highest()
            + "): it repeats a record applied long ago or arrived very late; it is not applied");
  }

  /**
   * Applies one record to the state (and to the row's {@code timer}, {@code null} for a flow
   * without timers); a failure is dead-lettered and leaves them as they were.
   */
  private Handled apply(String id, Input input, StoredState state, RowTimer timer, Trace span) {
    Object current;
    try {
      current = state.current();
    } catch (FormatException e) {
      return deadLettered(input, e, 1, span);
    }
    List<OutgoingRecord> encoded = new ArrayList<>(1);
    UserCode.Outcome<StateUpdate<?, ?>> outcome =
        userCode.run(
            () -> {
              encoded.clear();
              return decide(id, input, current, encoded);
            });
    if (!outcome.succeeded()) {
      return deadLettered(input, outcome.failure(), outcome.attempts(), span);
    }
    StateUpdate<?, ?> update = outcome.value();
    switch (update.action()) {
      case KEEP -> {}
      case SET -> state.set(update.state());
      case DELETE -> state.set(null);
    }
    if (timer != null) {
      timer.apply(update.timer(), updateTime(input), () -> timers.encodeKey(input.decoded().key()));
    }
    return holdsOutputs
        ? new Handled(input, Handling.APPLIED, List.of(), encoded)
        : new Handled(input, Handling.APPLIED, encoded);
  }

  /**
   * The time a record's update sets a relative timer from: the time the batch started with
   * wall-clock timers, else the record's timestamp (its partition's stream time without one).
   */
  private long updateTime(Input input) {
    long timestamp = input.raw().timestamp();
    return timers.wallClock() || timestamp < 0 ? input.now() : timestamp;
  }

  private Handled deadLettered(Input input, Exception error, int attempts, Trace span) {
    span.failed(error);
    return new Handled(
        input,
        Handling.APPLIED,
        List.of(failures.deadLetter(input.raw(), error, attempts, Stage.PROCESS)));
  }

  /** Calls the state function and encodes its outputs; any failure counts as a failed attempt. */
  private StateUpdate<?, ?> decide(
      String id, Input input, Object current, List<OutgoingRecord> encoded) throws Exception {
    Message<Object, Object> decoded = input.decoded();
    // the headers and timestamp as consumed: a join's envelope carries its source record's
    Message<Object, Object> record =
        new Message<>(
            decoded.topic(),
            decoded.partition(),
            decoded.offset(),
            input.raw().timestamp(),
            decoded.key(),
            decoded.value(),
            input.raw().headers());
    StateUpdate<Object, Message<Object, Object>> update =
        plan.reader().function(record).apply(record, current, plan.reader().outputKey(record, id));
    if (update == null) {
      throw new FlowsException(
          "the state function of "
              + plan.name()
              + " returned null; return StateUpdate.keep() instead");
    }
    if (update.timer() != null && timers == null) {
      throw new FlowsException(
          "the state function of "
              + plan.name()
              + " set a timer, but the flow has no timer function: build it with"
              + " apply(function, onTimer)");
    }
    for (Message<Object, Object> output : update.outputs()) {
      encoded.add(encodeOutput(output));
    }
    return update;
  }

  /**
   * The output as it is published and stored: topic, key, value, headers and timestamp, so a
   * re-emission is the same record.
   */
  private OutgoingRecord encodeOutput(Message<Object, Object> output) throws Exception {
    Topic<?, ?> topic = plan.outputTopic(output);
    if (topic == null) {
      throw new FlowsException(
          "flow "
              + plan.name()
              + " has no output topic but its state function emitted "
              + output.value());
    }
    return new OutgoingRecord(
        topic.name(),
        Codec.encode(topic.keyFormat(), output.key()),
        Codec.encode(topic.valueFormat(), output.value()),
        output.headers(),
        output.timestamp());
  }
}
