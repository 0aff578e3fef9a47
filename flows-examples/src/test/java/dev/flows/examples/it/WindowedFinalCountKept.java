package dev.flows.examples.it;

import dev.flows.Flow;
import java.time.Duration;

/**
 * The windowed count of {@link WindowedFinalCount} whose rows are kept 10 minutes after their last
 * write, longer than a kill test runs: for the kill test of windows fed by every partition, which
 * checks how windows wait for slow partitions without the state retention. A row deleted by the
 * retention after its window closed can be made again by a record of a partition that never fed it,
 * read that much later: the window then publishes a second final count (docs/semantics.md, "What a
 * window does not wait for").
 *
 * @param run a short lower-case id of the test run
 */
record WindowedFinalCountKept(String run) implements KilledFlow {
  static final Duration RETENTION = Duration.ofMinutes(10);

  /** The count's topics and table. */
  WindowedFinalCount count() {
    return new WindowedFinalCount(run);
  }

  @Override
  public Flow flow() {
    return count().flow(RETENTION);
  }
}
