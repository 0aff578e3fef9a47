package dev.flows.bench;

import java.util.BitSet;

/**
 * The sessions scenario's input, the same for every contender: the words of {@link WordEvents} in
 * bursts of {@value #BURST_MILLIS} ms of event time ({@value #RECORDS_PER_BURST} records, {@value
 * WordEvents#RECORDS_PER_MILLI} per ms) that start every {@value #PERIOD_MILLIS} ms. One record in
 * {@value #OUT_OF_ORDER_EVERY} is older than its place, by up to its distance from its burst's
 * start, so it stays in its burst. A pure function of {@code i}.
 *
 * <p>The times are chosen so that Kafka Streams (which joins records up to the gap apart, the gap
 * included) and Flows (less than the gap apart) find the same sessions, and close them at the same
 * records: a burst is shorter than {@link SessionScenario#GAP}, so a key's records in one burst are
 * less than the gap apart and form one session; the silence between bursts is longer than the gap,
 * so no session spans two bursts; and a burst's sessions close (last + gap + grace) within the
 * silence that follows it, at least {@value #CLOSE_MARGIN_MILLIS} ms from either burst, so each
 * closes at the first record of the next burst on its partition, and no record is late. Every key
 * seen in a burst thus has exactly one session there, and all but the last burst's are final
 * results by the end of the input: {@link #closedSessions(int)}.
 *
 * @param startMillis the event time of record 0, the start of the first burst, epoch milliseconds
 */
record SessionEvents(long startMillis) {
  /** How long a burst of records lasts in event time: {@value} ms, less than the gap. */
  static final long BURST_MILLIS = 1_000;

  /** From the start of a burst to the start of the next: {@value} ms. */
  static final long PERIOD_MILLIS = 5_000;

  /** Records per burst: {@value}, about five per word. */
  static final int RECORDS_PER_BURST = (int) BURST_MILLIS * WordEvents.RECORDS_PER_MILLI;

  /** One record in this many is out of order: {@value}. */
  static final int OUT_OF_ORDER_EVERY = 10;

  /**
   * The least distance, in event time, between a session's closing time and any record: {@value}
   * ms, so that neither the inclusive gap nor the exact close rule can tell the contenders apart.
   */
  static final long CLOSE_MARGIN_MILLIS = 1_000;

  /**
   * Input of {@code count} records whose last burst ends at {@code nowMillis}: recent, so the
   * broker neither deletes it by time retention nor refuses it as from the future.
   */
  static SessionEvents endingAt(long nowMillis, int count) {
    return new SessionEvents(nowMillis - burst(count - 1) * PERIOD_MILLIS - BURST_MILLIS);
  }

  /** The burst of record {@code i}, from 0. */
  static int burst(int i) {
    return i / RECORDS_PER_BURST;
  }

  /** The key of record {@code i}: that of {@link WordEvents#word}. */
  String word(int i) {
    return WordEvents.wordOf(i);
  }

  /** The event time of record {@code i}, epoch milliseconds: within its burst. */
  long timestamp(int i) {
    long offset = (i % RECORDS_PER_BURST) / WordEvents.RECORDS_PER_MILLI;
    long burstStart = startMillis + burst(i) * PERIOD_MILLIS;
    long draw = WordEvents.mix(~(long) i);
    boolean outOfOrder = Long.remainderUnsigned(draw, OUT_OF_ORDER_EVERY) == 0;
    return burstStart
        + (outOfOrder ? offset - Long.remainderUnsigned(draw >>> 8, offset + 1) : offset);
  }

  /**
   * The final results of {@code count} records, for Kafka Streams and Flows alike: one per word and
   * burst it appears in, all bursts but the last (whose sessions are still open at the end).
   */
  static long closedSessions(int count) {
    long sessions = 0;
    int last = burst(count - 1);
    BitSet seen = new BitSet(WordEvents.VOCABULARY);
    for (int i = 0; i < count && burst(i) < last; i++) {
      if (i % RECORDS_PER_BURST == 0) {
        sessions += seen.cardinality();
        seen.clear();
      }
      seen.set(WordEvents.wordNumber(i));
    }
    return sessions + seen.cardinality();
  }
}
