package dev.flows.bench;

/**
 * The windowed scenario's input, the same for every contender: record {@code i} is a word drawn
 * from a fixed vocabulary at event time {@code start + i / RECORDS_PER_MILLI}, except that one
 * record in {@value #OUT_OF_ORDER_EVERY} is up to {@value #MAX_DELAY_MILLIS} ms older (out of
 * order, within {@link WindowedScenario#GRACE}, so no record is late). A pure function of {@code
 * i}.
 *
 * @param startMillis the event time of record 0, epoch milliseconds
 */
record WordEvents(long startMillis) {
  /** Distinct words: {@value}. */
  static final int VOCABULARY = 1_000;

  /**
   * Records per millisecond of event time: {@value}, so a 10 s window holds 50,000 (a stream of
   * 5,000 records/s) and 500,000 records span 100 s of event time: ten windows, and two RocksDB
   * segments of Kafka Streams' window store (one per 60 s).
   */
  static final int RECORDS_PER_MILLI = 5;

  /** One record in this many is out of order: {@value}. */
  static final int OUT_OF_ORDER_EVERY = 10;

  /** How much older than its place an out-of-order record is, at most: {@value} ms. */
  static final long MAX_DELAY_MILLIS = 2_000;

  private static final String[] SYLLABLES = {
    "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa"
  };

  /**
   * Input of {@code count} records whose event times end at {@code nowMillis}: recent, so the
   * broker neither deletes it by time retention nor refuses it as from the future.
   */
  static WordEvents endingAt(long nowMillis, int count) {
    return new WordEvents(nowMillis - count / RECORDS_PER_MILLI);
  }

  /** The key of record {@code i}: one of {@value #VOCABULARY} words, uniformly. */
  String word(int i) {
    return wordOf(i);
  }

  /** The key of record {@code i} of this input or of {@link SessionEvents}. */
  static String wordOf(int i) {
    return vocabularyWord(wordNumber(i));
  }

  /** The number in the vocabulary of record {@code i}'s word. */
  static int wordNumber(int i) {
    return (int) Long.remainderUnsigned(mix(i), VOCABULARY);
  }

  /** The event time of record {@code i}, epoch milliseconds. */
  long timestamp(int i) {
    long inOrder = startMillis + i / RECORDS_PER_MILLI;
    long draw = mix(~(long) i);
    boolean outOfOrder = Long.remainderUnsigned(draw, OUT_OF_ORDER_EVERY) == 0;
    return outOfOrder
        ? inOrder - Long.remainderUnsigned(draw >>> 8, MAX_DELAY_MILLIS + 1)
        : inOrder;
  }

  /** Word number {@code n} of the vocabulary, three syllables, e.g. {@code kalomi}. */
  static String vocabularyWord(int n) {
    return SYLLABLES[n / 100 % 10] + SYLLABLES[n / 10 % 10] + SYLLABLES[n % 10];
  }

  /** SplitMix64's finaliser: a well-spread, repeatable draw from a record number. */
  static long mix(long x) {
    long z = x + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
