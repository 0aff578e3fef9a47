package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;

import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.Guarantee;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.Windowed;
import dev.flows.Windows;
import dev.flows.format.Formats;
import java.time.Duration;

/**
 * The windowed count the windowed kill test runs, exactly-once on PostgreSQL: a count per word and
 * 20 s tumbling window (5 s grace) that publishes each window's final count once, when it closes,
 * as {@code <word>=<count>}; late records are dead-lettered. Its rows are deleted 30 s after their
 * last write, well above the windows' 25 s minimum, so a row outlives a worker's restart while its
 * window is open. Named after one test run so tests do not share topics or tables.
 *
 * @param run a short lower-case id of the test run
 */
record WindowedFinalCount(String run) implements KilledFlow {
  static final Windows WINDOWS =
      Windows.tumbling(Duration.ofSeconds(20)).withGrace(Duration.ofSeconds(5)).emitOnClose();
  static final Duration RETENTION = Duration.ofSeconds(30);

  Topic<String, String> words() {
    return topic("it-" + run + "-words", string(), string());
  }

  Topic<Windowed<String>, String> counts() {
    return topic("it-" + run + "-counts", Windowed.format(string()), string());
  }

  String table() {
    return "it_" + run + "_window_count";
  }

  @Override
  public Flow flow() {
    return flow(RETENTION);
  }

  /** The count, its rows deleted {@code retention} after their last write. */
  Flow flow(Duration retention) {
    return Flows.stateful(
            "it-" + run + "-count",
            FlowOptions.defaults().withMaxRecords(500).withGuarantee(Guarantee.EXACTLY_ONCE))
        .from(words())
        .windowedBy(WINDOWS)
        .state(
            StateSpec.of("count", Formats.longs(), () -> 0L)
                .withTable(table())
                .withRetention(retention))
        .apply((window, value, n) -> StateUpdate.set(n + 1, window.key() + "=" + (n + 1)))
        .to(counts());
  }
}
