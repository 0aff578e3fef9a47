package dev.flows.bench;

import java.util.List;
import java.util.Optional;

/** One benchmark: loads its inputs once, runs each contender on them in turn, returns the rows. */
interface Scenario {
  /** The name {@code --only} selects, e.g. {@code stateless}. */
  String name();

  /** One line for the docs: what runs and how it is measured. */
  String description(Harness h);

  /** Whether a run without {@code --only} runs it; otherwise only {@code --only} names it. */
  default boolean inFullRun() {
    return true;
  }

  /** Why this scenario cannot run here, if it cannot. */
  default Optional<String> skipReason(Harness h) {
    return Optional.empty();
  }

  List<Result> run(Harness h) throws Exception;

  /** The ratios to report, with their goals. */
  List<Comparison> comparisons();

  /** The recovery times measured by {@link #run(Harness)}, for scenarios that time faults. */
  default List<Recovery> recoveries() {
    return List.of();
  }
}
