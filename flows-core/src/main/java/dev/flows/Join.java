package dev.flows;

import java.util.List;

/**
 * A join as two flow steps: a stateless merge step that writes every source record, wrapped in an
 * envelope with its source coordinates, onto the intermediate topic keyed by persistence id; and a
 * stateful step that applies them to one shared state. The stateful step dedupes by the source
 * coordinates, so records duplicated on the intermediate topic (a replayed merge step) are applied
 * once. Run both in one process, or each as its own deployment.
 */
public interface Join {
  /**
   * The stateless merge step, named {@code <join-name>-merge}: at-least-once. It runs sequentially
   * (concurrency 1; a join refuses more), so the records of each source partition reach the
   * intermediate topic in offset order, which the stateful step's deduplication relies on.
   */
  Flow merge();

  /** The stateful step, named as the join: effectively-once state update. */
  Flow apply();

  /** Both steps: merge first. */
  default List<Flow> flows() {
    return List.of(merge(), apply());
  }
}
