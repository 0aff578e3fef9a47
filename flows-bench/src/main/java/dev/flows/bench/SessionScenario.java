package dev.flows.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A count per word and event-time session, final results. Kafka Streams {@code
 * windowedBy(SessionWindows).count().suppress(untilWindowCloses)} on RocksDB against Flows {@code
 * .windowedBy(sessions)} with a summing merger on PostgreSQL and in memory ({@link
 * FlowsContender#sessions()}), all at-least-once, on the same {@link SessionEvents}: bursts of
 * records separated by silences longer than the gap, so that each word has a session per burst and
 * both contenders must publish {@link SessionEvents#closedSessions(int)} final counts, which each
 * run checks. Complete when the group's committed offsets reach the input count, so records/s
 * counts input records whatever the number of outputs.
 */
final class SessionScenario implements Scenario {
  static final int RECORDS = 500_000;
  static final int PARTITIONS = 6;

  /** The inactivity gap: above {@link SessionEvents#BURST_MILLIS}, below the silences. */
  static final Duration GAP = Duration.ofSeconds(2);

  /** How long after its gap a session accepts records. */
  static final Duration GRACE = Duration.ofSeconds(1);

  @Override
  public String name() {
    return "sessions";
  }

  @Override
  public String description(Harness h) {
    int records = h.args().scaled(RECORDS);
    return String.format(
        "count per word (%,d words) and session, gap %d s, grace %d s, %,d records in bursts of %d"
            + " s (%d per ms) every %d s of event time, 1 in %d older within its burst, %d"
            + " partitions, %,d final counts expected; until the committed offsets reach the count",
        WordEvents.VOCABULARY,
        GAP.toSeconds(),
        GRACE.toSeconds(),
        records,
        SessionEvents.BURST_MILLIS / 1000,
        WordEvents.RECORDS_PER_MILLI,
        SessionEvents.PERIOD_MILLIS / 1000,
        SessionEvents.OUT_OF_ORDER_EVERY,
        PARTITIONS,
        SessionEvents.closedSessions(records));
  }

  @Override
  public List<Result> run(Harness h) throws Exception {
    int records = h.args().scaled(RECORDS);
    String in = h.name("sessions-in");
    h.kafka().createTopic(in, PARTITIONS);
    h.kafka().load(in, records, SessionEvents.endingAt(System.currentTimeMillis(), records));
    h.kafka().readThrough(in);
    long expected = SessionEvents.closedSessions(records);
    Samples samples = new Samples(name());
    for (int rep = 1; rep <= h.args().repeat(); rep++) {
      runOnce(h, samples, in, records, expected, "-r" + rep);
    }
    if (h.args().jfr()) {
      profile(h, in, records, expected);
    }
    return samples.results();
  }

  /** One run of each contender: Kafka Streams, Flows on PostgreSQL, Flows in memory. */
  private void runOnce(Harness h, Samples samples, String in, int records, long expected, String r)
      throws Exception {
    String stateDir = h.args().out().resolve("kafka-streams-state").toAbsolutePath().toString();
    Run run = new Run(h, samples, in, records, expected);
    run.measure(
        "kafka-streams",
        "streams-session-count",
        Params.of("stateDir", stateDir),
        "RocksDB, suppress(untilWindowCloses(unbounded())), at_least_once, commit 100 ms",
        "streams" + r);
    String sessions = FlowsContender.sessions().toString();
    String table = h.table("sessions_pg" + r);
    String url = h.services().postgresUrl();
    run.measure(
        "flows+postgres",
        "flows-session-count",
        Params.of("store", "postgres", "table", table, "pgUrl", url),
        sessions,
        "pg" + r);
    WindowedScenario.drop(url, table);
    run.measure(
        "flows+memory",
        "flows-session-count",
        Params.of("store", "memory", "table", h.table("sessions_mem")),
        sessions + ", in memory",
        "mem" + r);
  }

  /**
   * With {@code --jfr}: one more run of Flows in memory with a JFR recording, whose top frames are
   * printed after it. Not a row of the table.
   */
  private void profile(Harness h, String in, int records, long expected) throws Exception {
    Path recording = h.args().out().resolve("flows-session-count.jfr").toAbsolutePath();
    Run run = new Run(h, null, in, records, expected);
    Measurement m =
        run.once(
            "flows+memory (JFR on)",
            "flows-session-count",
            Params.of("store", "memory", "table", h.table("sessions_jfr")),
            "jfr",
            JfrTop.flags(recording, h.args().out()));
    JfrTop.print(recording, Instant.ofEpochMilli(m.startMillis()), 25);
  }

  /** The runs of one round, on one input, which must each publish {@code expected} outputs. */
  private record Run(Harness h, Samples samples, String in, int records, long expected) {
    /**
     * Runs contender {@code child} once and adds the run to the samples as {@code label}, its note
     * followed by the number of outputs it published.
     */
    void measure(String label, String child, Params own, String note, String tag) throws Exception {
      Measurement m = once(label, child, own, tag, List.of());
      long outputs = h.kafka().endOffsetsSum(h.name("sessions-out-" + tag));
      samples.add(
          label,
          m,
          String.format(
              "%s; %,d outputs%s",
              note,
              outputs,
              outputs == expected ? "" : String.format(" (expected %,d)", expected)));
    }

    /**
     * Runs contender {@code child} once, with JVM {@code flags}, an output topic and group of its
     * own, and says so if it did not publish {@code expected} outputs.
     */
    Measurement once(String label, String child, Params own, String tag, List<String> flags)
        throws Exception {
      String out = h.name("sessions-out-" + tag);
      String group = h.name("sessions-" + tag);
      h.kafka().createTopic(out, PARTITIONS);
      Params params = h.base().with("in", in).with("out", out).with("name", group).with(own);
      Measurement m =
          h.measure(
              "sessions",
              label,
              child,
              params,
              records,
              () -> h.kafka().committedSum(group),
              flags);
      long outputs = h.kafka().endOffsetsSum(out);
      if (outputs != expected) {
        System.out.printf(
            "  sessions: %s published %,d final counts, expected %,d%n", label, outputs, expected);
      }
      return m;
    }
  }

  @Override
  public List<Comparison> comparisons() {
    return List.of(
        new Comparison(name(), "flows+postgres", "kafka-streams", Double.NaN),
        new Comparison(name(), "flows+memory", "kafka-streams", Double.NaN),
        Comparison.peakRss(name(), "flows+postgres", "kafka-streams", 1.0),
        Comparison.peakRss(name(), "flows+memory", "kafka-streams", 1.0));
  }
}
