package dev.flows.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one invocation measured, and its plain-text rendering: the table of absolute figures
 * and the ratios (Flows / peer) against their goals.
 *
 * @param date when the run ended
 * @param command how to repeat it
 * @param machine where it ran
 * @param services which Kafka, PostgreSQL and RabbitMQ it used
 * @param descriptions one line per scenario run, by name
 * @param results the rows, in the order measured
 * @param comparisons the ratios to compute
 * @param recoveries the recovery times, if the recovery scenario ran
 * @param skipped scenarios not run, with the reason
 * @param load the machine's 1-minute load average at the start and the end of the run
 */
record Report(
    Instant date,
    String command,
    Machine machine,
    String services,
    Map<String, String> descriptions,
    List<Result> results,
    List<Comparison> comparisons,
    List<Recovery> recoveries,
    Map<String, String> skipped,
    String load) {

  /** A computed ratio. */
  record Ratio(Comparison comparison, double value) {
    String verdict() {
      return Double.isNaN(comparison.goal())
          ? "-"
          : comparison.measure().meets(value, comparison.goal()) ? "meets" : "MISSES";
    }

    String goal() {
      return Double.isNaN(comparison.goal()) ? "-" : comparison.measure().goal(comparison.goal());
    }
  }

  List<Ratio> ratios() {
    List<Ratio> ratios = new ArrayList<>();
    for (Comparison c : comparisons) {
      Optional<Result> mine = find(c.scenario(), c.contender());
      Optional<Result> peer = find(c.scenario(), c.peer());
      if (mine.isPresent() && peer.isPresent()) {
        ratios.add(new Ratio(c, c.measure().of(mine.get()) / c.measure().of(peer.get())));
      }
    }
    return ratios;
  }

  private Optional<Result> find(String scenario, String contender) {
    return results.stream()
        .filter(r -> r.scenario().equals(scenario) && r.contender().equals(contender))
        .findFirst();
  }

  /** The results as fixed-width text. */
  String resultsTable() {
    StringBuilder text =
        new StringBuilder(
            String.format(
                "%-11s %-16s %10s %8s %12s %-11s %-16s  %s%n",
                "scenario",
                "contender",
                "records",
                "seconds",
                "records/s",
                "runs",
                "RSS MiB",
                "note"));
    for (Result r : results) {
      text.append(String.format("%-11s %-16s %10s %8s %,12.0f %-11s %-16s  %s%n", r.cells()));
    }
    return text.toString();
  }

  /** The ratios as fixed-width text. */
  String ratiosTable() {
    StringBuilder text =
        new StringBuilder(
            String.format(
                "%-11s %-44s %8s %8s  %s%n",
                "scenario", "ratio (records/s unless said)", "value", "goal", "verdict"));
    for (Ratio r : ratios()) {
      Comparison c = r.comparison();
      text.append(
          String.format(
              "%-11s %-44s %7.2fx %8s  %s%n",
              c.scenario(), c.label(), r.value(), r.goal(), r.verdict()));
    }
    return text.toString();
  }

  /** The recovery times as fixed-width text; empty if none were measured. */
  String recoveryTable() {
    if (recoveries.isEmpty()) {
      return "";
    }
    StringBuilder text =
        new StringBuilder(
            String.format(
                "%n%-70s %-14s %-10s %-22s %-22s %-22s %s%n",
                "recovery case",
                "protocol",
                "from",
                "to every partition (s)",
                "then to first record",
                "then to caught up",
                "note"));
    for (Recovery r : recoveries) {
      text.append(String.format("%-70s %-14s %-10s %-22s %-22s %-22s %s%n", r.cells()));
    }
    return text.toString();
  }

  String skippedText() {
    StringBuilder text = new StringBuilder();
    skipped.forEach(
        (name, reason) ->
            text.append("skipped ").append(name).append(": ").append(reason).append('\n'));
    return text.toString();
  }
}
