package dev.flows.bench;

import java.util.List;

/**
 * One row of the results table.
 *
 * @param scenario the scenario's name, e.g. {@code stateless}
 * @param contender who ran, e.g. {@code flows} or {@code kafka-streams}
 * @param records records in the measured interval
 * @param seconds length of the measured interval
 * @param perSecond records per second
 * @param peakRssMb the median of the runs' peak RSS (each the contender JVM's) in MiB; NaN for
 *     computed rows
 * @param note how the row was obtained ({@code computed} for ideals)
 * @param runs records/s of every run, in order; the row shows the median run
 * @param rssRuns peak RSS in MiB of every run, in order
 */
record Result(
    String scenario,
    String contender,
    long records,
    double seconds,
    double perSecond,
    double peakRssMb,
    String note,
    List<Double> runs,
    List<Double> rssRuns) {

  Result {
    runs = List.copyOf(runs);
    rssRuns = List.copyOf(rssRuns);
  }

  /**
   * The cells of its table row: scenario, contender, records, seconds, records/s (a number, for the
   * table's own format), spread, peak RSS, note; "-" where not measured.
   */
  Object[] cells() {
    return new Object[] {
      scenario,
      contender,
      records == 0 ? "-" : String.format("%,d", records),
      Double.isNaN(seconds) ? "-" : String.format("%.2f", seconds),
      perSecond,
      spread(),
      Double.isNaN(peakRssMb) ? "-" : String.format("%.0f", peakRssMb) + rssSpread(),
      note
    };
  }

  /** The runs' spread as text, e.g. {@code 140k-216k}; empty for a single run. */
  String spread() {
    if (runs.size() < 2) {
      return "";
    }
    double min = runs.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double max = runs.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    return String.format("%s-%s", compact(min), compact(max));
  }

  private String rssSpread() {
    if (rssRuns.size() < 2) {
      return "";
    }
    double min = rssRuns.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double max = rssRuns.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    return String.format(" (%.0f-%.0f)", min, max);
  }

  private static String compact(double value) {
    return value >= 10_000 ? String.format("%.0fk", value / 1000) : String.format("%.0f", value);
  }

  /** A row computed rather than measured, such as an ideal throughput. */
  static Result computed(String scenario, String contender, double perSecond, String note) {
    return new Result(
        scenario, contender, 0, Double.NaN, perSecond, Double.NaN, note, List.of(), List.of());
  }
}
