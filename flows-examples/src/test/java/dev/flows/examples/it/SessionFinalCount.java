package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;

import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.Guarantee;
import dev.flows.SessionWindows;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.Windowed;
import dev.flows.format.Formats;
import java.time.Duration;

/**
 * The session count the session kill test runs, exactly-once on PostgreSQL: a count per key and
 * event-time session (2 s gap, 5 s grace) that publishes each session's final count once, when it
 * closes, as {@code <key>=<count>}; merged sessions add their counts; late records are
 * dead-lettered. Its rows keep the default retention, the gap plus grace (7 s), so the purge runs
 * while records flow and a key's row outlives its writes only while a partition's open windows list
 * it. Named after one test run so tests do not share topics or tables.
 *
 * @param run a short lower-case id of the test run
 */
record SessionFinalCount(String run) implements KilledFlow {
  static final SessionWindows SESSIONS =
      SessionWindows.withGap(Duration.ofSeconds(2)).withGrace(Duration.ofSeconds(5)).emitOnClose();

  Topic<String, String> clicks() {
    return topic("it-" + run + "-clicks", string(), string());
  }

  Topic<Windowed<String>, String> counts() {
    return topic("it-" + run + "-counts", Windowed.format(string()), string());
  }

  String table() {
    return "it_" + run + "_session_count";
  }

  @Override
  public Flow flow() {
    return Flows.stateful(
            "it-" + run + "-count",
            FlowOptions.defaults().withMaxRecords(500).withGuarantee(Guarantee.EXACTLY_ONCE))
        .from(clicks())
        .windowedBy(SESSIONS)
        .state(
            StateSpec.of("count", Formats.longs(), () -> 0L).withTable(table()),
            (key, earlier, later) -> earlier + later)
        .apply((session, value, n) -> StateUpdate.set(n + 1, session.key() + "=" + (n + 1)))
        .to(counts());
  }
}
