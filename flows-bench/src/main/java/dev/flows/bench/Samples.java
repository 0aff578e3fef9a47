package dev.flows.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The repeated runs of one scenario's contenders (interleaved: A B C, A B C, ...), reduced to one
 * row per contender: the median run, with every run's records/s kept for the spread.
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
          results.add(
              new Result(
                  scenario,
                  contender,
                  median.records(),
                  median.seconds(),
                  median.perSecond(),
                  median.peakRssMb(),
                  notes.get(contender),
                  all));
        });
    return results;
  }
}
