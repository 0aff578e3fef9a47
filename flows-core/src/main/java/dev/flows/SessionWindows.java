package dev.flows;

import java.time.Duration;
import java.util.Objects;

/**
 * Event-time session windows of a stateful flow ({@code .windowedBy(sessions)}): a key's records
 * less than {@code gap} apart fall in one session, which spans its first to its last record's event
 * time. A record within the gap of two sessions joins them: their states are merged by the flow's
 * {@link dev.flows.dsl.SessionMerger}. All sessions of a key live in one row (persistence id: the
 * key's), and the state function sees each session as a {@link Windowed} key {@code [first, last +
 * 1)}.
 *
 * <p>A session closes when {@code last + gap + grace <= stream time} (the largest record timestamp
 * read on its input partition); of a key fed by several partitions, when the stream time of every
 * one passed that (or, with {@link #withSlowPartitionWait}, one's passed it by that much more). A
 * closed session takes no more records. A record whose own session would be closed already ({@code
 * timestamp + gap + grace <= stream time}) is late: dead-lettered or dropped, as for {@link
 * Windows}. Each update's outputs are published as it is applied, or held and published once, when
 * the session closes ({@link #emitOnClose()}).
 *
 * <pre>{@code
 * SessionWindows.withGap(Duration.ofMinutes(30)).withGrace(Duration.ofMinutes(1)).emitOnClose()
 * }</pre>
 *
 * @param gap the longest event-time silence within a session, positive
 * @param grace how long after it closes by its gap a session still accepts out-of-order records
 * @param late what happens to a late record
 * @param emit when a session's outputs are published
 * @param slowPartitionWait how much further in event time a session of a key fed by several
 *     partitions waits for those whose stream time has not passed its close, not negative; {@code
 *     null} (the default) to wait for every one however long
 */
public record SessionWindows(
    Duration gap,
    Duration grace,
    Windows.Late late,
    Windows.Emit emit,
    Duration slowPartitionWait) {

  /** Validates the durations. */
  public SessionWindows {
    Objects.requireNonNull(gap, "gap");
    if (gap.isNegative() || gap.toMillis() == 0) {
      throw FlowDefinitionException.of(
          "session gap",
          gap,
          "is not at least one millisecond",
          "use a positive duration, e.g. Duration.ofMinutes(30)");
    }
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw FlowDefinitionException.of(
          "session grace", grace, "is negative", "use Duration.ZERO or a positive grace");
    }
    Objects.requireNonNull(late, "late");
    Objects.requireNonNull(emit, "emit");
    Windows.requireWaitNotNegative(slowPartitionWait);
  }

  /** Sessions split by silences of {@code gap} or more, without grace. */
  public static SessionWindows withGap(Duration gap) {
    return new SessionWindows(
        gap, Duration.ZERO, Windows.Late.DEAD_LETTER, Windows.Emit.EVERY_UPDATE, null);
  }

  /** A copy whose sessions accept records for {@code grace} after they close by their gap. */
  public SessionWindows withGrace(Duration grace) {
    return new SessionWindows(gap, grace, late, emit, slowPartitionWait);
  }

  /** A copy whose late records are handled by {@code late}. */
  public SessionWindows withLateRecords(Windows.Late late) {
    return new SessionWindows(gap, grace, late, emit, slowPartitionWait);
  }

  /**
   * A copy that publishes each session's final results once, when it closes: the outputs of the
   * session's last update that emitted any (merged sessions: the latest such update of any of
   * them).
   */
  public SessionWindows emitOnClose() {
    return new SessionWindows(gap, grace, late, Windows.Emit.ON_CLOSE, slowPartitionWait);
  }

  /**
   * A copy whose sessions, of a key fed by several partitions, wait {@code wait} of event time
   * beyond their close for the partitions whose stream time has not passed it, once one has,
   * instead of waiting for every one however long: a silent partition holds a session no longer,
   * but a partition read more than {@code wait} behind the others (a consumer catching up) starts
   * new sessions for records the closed one would have taken. {@code Duration.ZERO} closes a
   * session at the first partition's stream time to pass it; {@code null} waits however long, the
   * default.
   */
  public SessionWindows withSlowPartitionWait(Duration wait) {
    return new SessionWindows(gap, grace, late, emit, wait);
  }

  /**
   * The shortest state retention these sessions allow, {@code gap + grace}: a key's row must
   * outlive the time its last session accepts records.
   */
  public Duration minRetention() {
    return gap.plus(grace);
  }

  /** How {@code describe()} shows them. */
  @Override
  public String toString() {
    return "sessions gap "
        + gap
        + " grace "
        + grace
        + ", late records "
        + (late == Windows.Late.DROP ? "dropped" : "dead-lettered")
        + (emit == Windows.Emit.ON_CLOSE ? ", emitted on close" : "")
        + (slowPartitionWait == null
            ? ""
            : ", waiting at most " + slowPartitionWait + " for slow partitions");
  }
}
