package dev.flows.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The repeated runs of one scenario's contenders (interleaved: A B C, A B C, ...), reduced to one
 * row per contender: the median run by records/s, with the median peak RSS, and every run's
 * records/s and peak RSS kept for the spread.
 */
final class Samples {
  private final String scenario;
  private final Map<String, List<Measurement>> runs = new LinkedHashMap<>();
  private final Map<String, String> notes = new LinkedHashMap<>();

  Samples(String scenario) {
    this.scenario = scenario;
  }

  void add(String contender, Measurement m, String note) {
    runs.computeIfAbsent(contender, c -> new ArrayList<>()).add(m);
    notes.put(contender, note);
  }

  List<Result> results() {
    List<Result> results = new ArrayList<>();
    runs.forEach(
        (contender, list) -> {
          List<Measurement> sorted =
              list.stream().sorted(Comparator.comparingDouble(Measurement::perSecond)).toList();
          Measurement median = sorted.get(sorted.size() / 2);
          List<Double> all = list.stream().map(Measurement::perSecond).toList();
          List<Double> rss = list.stream().map(Measurement::peakRssMb).toList();
          results.add(
              new Result(
                  scenario,
                  contender,
                  median.records(),
                  median.seconds(),
                  median.perSecond(),
                  rss.stream().sorted().toList().get(rss.size() / 2),
                  notes.get(contender),
                  all,
                  rss));
        });
    return results;
  }
}
