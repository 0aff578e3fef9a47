package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;

import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.Guarantee;
import dev.flows.Message;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.format.Formats;
import java.time.Duration;
import java.time.Instant;

/**
 * The flow the timer kill test runs, exactly-once on PostgreSQL: each record of a key counts it and
 * moves the key's timer to its timestamp plus {@link #SILENCE}; when a key stays silent that long
 * (event time), its timer publishes {@code <key>@<timer time>=<records counted>} and deletes the
 * count. A record of value {@code end} changes nothing: it only moves the stream time on. Named
 * after one test run so tests do not share topics or tables.
 *
 * @param run a short lower-case id of the test run
 */
record SilenceAlerts(String run) implements KilledFlow {
  static final Duration SILENCE = Duration.ofSeconds(3);

  Topic<String, String> events() {
    return topic("it-" + run + "-events", string(), string());
  }

  Topic<String, String> alerts() {
    return topic("it-" + run + "-alerts", string(), string());
  }

  String table() {
    return "it_" + run + "_silence";
  }

  @Override
  public Flow flow() {
    return Flows.stateful(
            "it-" + run + "-silence",
            FlowOptions.defaults().withMaxRecords(500).withGuarantee(Guarantee.EXACTLY_ONCE))
        .from(events())
        .state(StateSpec.of("burst", Formats.longs(), () -> 0L).withTable(table()))
        .applyMessage(
            (event, n) ->
                event.value().equals("end")
                    ? StateUpdate.<Long, Message<String, String>>keep()
                    : StateUpdate.<Long, Message<String, String>>set(n + 1)
                        .withTimer(Instant.ofEpochMilli(event.timestamp()).plus(SILENCE)),
            (key, n, time) ->
                StateUpdate.<Long, String>delete()
                    .andEmit(key + "@" + time.toEpochMilli() + "=" + n))
        .to(alerts());
  }
}
