package dev.flows;

import java.time.Duration;
import java.util.Objects;

/**
 * Event-time windows of a stateful flow ({@code .windowedBy(windows)}): each record updates the
 * state of every window of its key it falls in, each window its own persistence id. Windows start
 * at multiples of {@code advance} since the epoch and span {@code size}: tumbling when {@code
 * advance == size} (each record in one window), hopping when smaller (each record in {@code size /
 * advance} windows).
 *
 * <p>A window closes when {@code end + grace <= stream time} (the largest record timestamp read on
 * its input partition). Emitting on close, a window fed by several partitions (merged topics, a
 * {@code stateKey}) closes when the stream time of every one of them passed it (or, with {@link
 * #withSlowPartitionWait}, when one passed it by that much more). A record whose windows all closed
 * is late: it is dead-lettered ({@link Late#DEAD_LETTER}, the default) or dropped and counted
 * ({@link Late#DROP}). A hopping record late for some of its windows only updates the others. Each
 * update's outputs are published as it is applied ({@link Emit#EVERY_UPDATE}, the default), or held
 * and published once, when the window closes ({@link #emitOnClose()}: final results).
 *
 * <pre>{@code
 * Windows.tumbling(Duration.ofMinutes(5)).withGrace(Duration.ofMinutes(1)).emitOnClose()
 * Windows.hopping(Duration.ofMinutes(10), Duration.ofMinutes(5)).withLateRecords(Late.DROP)
 * }</pre>
 *
 * @param size how long each window is, positive
 * @param advance how far apart windows start, positive and at most {@code size}
 * @param grace how long after its end a window still accepts out-of-order records, not negative
 * @param late what happens to a late record
 * @param emit when a window's outputs are published
 * @param slowPartitionWait emitting on close, how much further in event time a window fed by
 *     several partitions waits for those whose stream time has not passed it, not negative; {@code
 *     null} (the default) to wait for every one however long
 */
public record Windows(
    Duration size,
    Duration advance,
    Duration grace,
    Late late,
    Emit emit,
    Duration slowPartitionWait) {
  /** The grace of windows made by {@link #tumbling} and {@link #hopping}: {@value} ms. */
  public static final long DEFAULT_GRACE_MILLIS = 0;

  /** What happens to a record that arrives after all its windows closed. */
  public enum Late {
    /** Written to the flow's dead-letter topic, the reason naming window, stream time and grace. */
    DEAD_LETTER,
    /** Dropped, counted by {@code flows.window.late}. */
    DROP
  }

  /** When a window's outputs are published. */
  public enum Emit {
    /** Each update's outputs, as it is applied. */
    EVERY_UPDATE,
    /**
     * Once per window, when it closes: the outputs of the window's last update that emitted any
     * (final results, as Kafka Streams' {@code suppress(untilWindowCloses)}).
     */
    ON_CLOSE
  }

  /** Validates the durations. */
  public Windows {
    requirePositive("window size", size, "e.g. Duration.ofMinutes(5)");
    requirePositive("window advance", advance, "e.g. Duration.ofMinutes(1)");
    if (advance.compareTo(size) > 0) {
      throw FlowDefinitionException.of(
          "window advance",
          advance,
          "is larger than the window size " + size + ", so records between windows would be lost",
          "use an advance of at most the size (equal: tumbling windows)");
    }
    if (size.toMillis() % advance.toMillis() != 0 || size.toMillis() == 0) {
      throw FlowDefinitionException.of(
          "window advance",
          advance,
          "does not divide the window size " + size + " in whole milliseconds",
          "use an advance that divides the size, e.g. size 10m advance 5m");
    }
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw FlowDefinitionException.of(
          "window grace", grace, "is negative", "use Duration.ZERO or a positive grace");
    }
    Objects.requireNonNull(late, "late");
    Objects.requireNonNull(emit, "emit");
    requireWaitNotNegative(slowPartitionWait);
  }

  /** Tumbling windows of {@code size}: back to back, each record in exactly one. No grace. */
  public static Windows tumbling(Duration size) {
    return new Windows(
        size,
        size,
        Duration.ofMillis(DEFAULT_GRACE_MILLIS),
        Late.DEAD_LETTER,
        Emit.EVERY_UPDATE,
        null);
  }

  /**
   * Hopping windows of {@code size} starting every {@code advance}: each record in {@code size /
   * advance} windows. No grace.
   */
  public static Windows hopping(Duration size, Duration advance) {
    return new Windows(
        size,
        advance,
        Duration.ofMillis(DEFAULT_GRACE_MILLIS),
        Late.DEAD_LETTER,
        Emit.EVERY_UPDATE,
        null);
  }

  /** A copy whose windows accept records for {@code grace} after they end. */
  public Windows withGrace(Duration grace) {
    return new Windows(size, advance, grace, late, emit, slowPartitionWait);
  }

  /** A copy whose late records are handled by {@code late}. */
  public Windows withLateRecords(Late late) {
    return new Windows(size, advance, grace, late, emit, slowPartitionWait);
  }

  /**
   * A copy that publishes each window's final results once, when it closes, instead of every
   * update's: the outputs of the window's last update that emitted any.
   */
  public Windows emitOnClose() {
    return new Windows(size, advance, grace, late, Emit.ON_CLOSE, slowPartitionWait);
  }

  /**
   * A copy whose windows, emitting on close and fed by several partitions, wait {@code wait} of
   * event time beyond their end plus grace for the partitions whose stream time has not passed
   * them, once one has, instead of waiting for every one however long: a silent partition holds a
   * window no longer, but the records of a partition read more than {@code wait} behind the others
   * (a consumer catching up) are late for the windows that closed without it. {@code Duration.ZERO}
   * closes a window at the first partition's stream time to pass it; {@code null} waits however
   * long, the default.
   */
  public Windows withSlowPartitionWait(Duration wait) {
    return new Windows(size, advance, grace, late, emit, wait);
  }

  /** Whether each record falls in exactly one window. */
  public boolean tumbling() {
    return advance.equals(size);
  }

  /**
   * The shortest state retention these windows allow, {@code size + grace}: a window's row must
   * outlive the time it accepts records.
   */
  public Duration minRetention() {
    return size.plus(grace);
  }

  /** How {@code describe()} shows them. */
  @Override
  public String toString() {
    return (tumbling() ? "tumbling " + size : "hopping " + size + " advance " + advance)
        + " grace "
        + grace
        + ", late records "
        + (late == Late.DROP ? "dropped" : "dead-lettered")
        + (emit == Emit.ON_CLOSE ? ", emitted on close" : "")
        + (emit == Emit.ON_CLOSE && slowPartitionWait != null
            ? ", waiting at most " + slowPartitionWait + " for slow partitions"
            : "");
  }

  /** Refuses a negative slow-partition wait, with the fix ({@code null}: none, is fine). */
  static void requireWaitNotNegative(Duration slowPartitionWait) {
    if (slowPartitionWait != null && slowPartitionWait.isNegative()) {
      throw FlowDefinitionException.of(
          "slow-partition wait",
          slowPartitionWait,
          "is negative",
          "use Duration.ZERO (close at the first partition's stream time), a positive wait, or"
              + " null (wait for every partition however long, the default)");
    }
  }

  private static void requirePositive(String setting, Duration value, String example) {
    Objects.requireNonNull(value, setting);
    if (value.isNegative() || value.isZero() || value.toMillis() == 0) {
      throw FlowDefinitionException.of(
          setting, value, "is not at least one millisecond", "use a positive duration, " + example);
    }
  }
}
