package dev.flows.bench;

/**
 * A ratio the report computes from rows of one run: {@code contender / peer} of one {@link
 * Measure}, with the goal it is held against.
 *
 * @param scenario the scenario of both rows
 * @param contender the Flows row
 * @param peer the row it is compared to
 * @param goal the least acceptable ratio of records/s, or the largest acceptable ratio of peak RSS
 * @param measure what is compared
 */
record Comparison(String scenario, String contender, String peer, double goal, Measure measure) {

  /** What a comparison divides, and which way is better. */
  enum Measure {
    /** Records per second: higher is better. */
    THROUGHPUT("records/s"),
    /** The child's peak resident set: lower is better. */
    PEAK_RSS("peak RSS");

    final String label;

    Measure(String label) {
      this.label = label;
    }

    double of(Result result) {
      return this == THROUGHPUT ? result.perSecond() : result.peakRssMb();
    }

    boolean meets(double ratio, double goal) {
      return this == THROUGHPUT ? ratio >= goal : ratio <= goal;
    }

    String goal(double goal) {
      return String.format(this == THROUGHPUT ? "≥ %.1fx" : "≤ %.1fx", goal);
    }
  }

  /** A ratio of records per second. */
  Comparison(String scenario, String contender, String peer, double goal) {
    this(scenario, contender, peer, goal, Measure.THROUGHPUT);
  }

  /** A ratio of peak resident sets, which should be at most {@code goal}. */
  static Comparison peakRss(String scenario, String contender, String peer, double goal) {
    return new Comparison(scenario, contender, peer, goal, Measure.PEAK_RSS);
  }

  /** "flows / kafka-streams", with "(peak RSS)" for a memory ratio. */
  String label() {
    return contender
        + " / "
        + peer
        + (measure == Measure.THROUGHPUT ? "" : " (" + measure.label + ")");
  }
}
