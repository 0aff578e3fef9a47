package dev.flows.examples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.testkit.Awaits;
import dev.flows.testkit.ChildJvm;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event-time timers under crashes, under {@code make chaos}: a flow whose every record moves its
 * key's timer 3 s past its timestamp, and whose timer publishes the key's count when the key falls
 * silent ({@link SilenceAlerts}), exactly-once on the real broker and PostgreSQL, killed with
 * SIGKILL ten times while 100,000 timestamped records flow ({@link SilenceInput}: keys falling
 * silent by turns, some records out of order, some setting a timer already due). A {@code
 * read_committed} reader sees exactly one alert per firing, each with the count a reference replay
 * of the timer rules computes from the input.
 */
@FlowsServices
class TimerKillChaosIT {
  private static final Logger LOG = LoggerFactory.getLogger(TimerKillChaosIT.class);
  private static final int TOTAL = 100_000;
  private static final int KILLS = 10;
  private static final int PARTITIONS = 4;
  private static final long DATA_SEED = 23;
  private static final Duration STEP = Duration.ofSeconds(120);
  private static final Duration READ = Duration.ofSeconds(180);

  private final SilenceAlerts alerts = new SilenceAlerts("timerkill");

  @Test
  void shouldPublishEachFiringOnceWithItsExactCountWhenKilledTenTimes(
      TestKafka kafka, TestPostgres postgres) {
    long base = System.currentTimeMillis() - Duration.ofHours(2).toMillis();
    SilenceInput input = SilenceInput.generate(DATA_SEED, TOTAL, PARTITIONS, base);
    SilenceInput.Expected expected = input.expected();
    assertTrue(expected.alerts().size() >= 500, "many firings: " + expected.alerts().size());
    assertTrue(expected.dueAtOnce() >= 100, "many timers due when set: " + expected.dueAtOnce());
    kafka.createTopic(alerts.events().name(), PARTITIONS);
    kafka.createTopic(alerts.alerts().name(), PARTITIONS);
    kafka.createTopic(alerts.flow().deadLetterTopic(), 1);
    postgres.execute("DROP TABLE IF EXISTS " + alerts.table());
    long start = System.nanoTime();

    try (ChildJvm last =
        ChunkedKills.killRepeatedly(
            "timer kill test",
            KILLS,
            input.size(),
            () -> KillWorker.start(alerts, kafka, postgres, "w1"),
            (from, to) -> kafka.produce(input.records(alerts.events().name(), from, to)),
            () -> committed(kafka))) {
      kafka.produce(input.ending(alerts.events().name()));
      Awaits.until(
          STEP,
          "the worker to commit the ending records",
          () -> committed(kafka) >= input.size() + PARTITIONS || !last.isAlive());
      assertTrue(last.isAlive(), "the worker died on its own:\n" + last.output());
      assertAlerts(expected.alerts(), kafka);
      assertEquals(0, kafka.readCommitted(alerts.flow().deadLetterTopic(), 0, READ).size());
      last.terminate();
      assertEquals(ChildJvm.EXIT_ON_SIGTERM, last.awaitExit(STEP).orElse(-1), last::output);
    }
    LOG.info(
        "{} firings ({} timers due when set) of {} records exact after {} kills in {} s",
        expected.alerts().size(),
        expected.dueAtOnce(),
        input.size(),
        KILLS,
        (System.nanoTime() - start) / 1_000_000_000);
  }

  /** The sum of the flow's committed offsets: inputs it has committed. */
  private long committed(TestKafka kafka) {
    return kafka.committedOffsets(alerts.flow().name(), alerts.events().name()).values().stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  /** Each firing's alert, published once, equal to {@code expected}; nothing else. */
  private void assertAlerts(Map<String, String> expected, TestKafka kafka) {
    Map<String, List<String>> published = new HashMap<>();
    kafka.forEachCommittedRecord(
        alerts.alerts().name(),
        expected.size(),
        READ,
        r -> {
          String alert = new String(r.value(), StandardCharsets.UTF_8);
          published
              .computeIfAbsent(alert.substring(0, alert.indexOf('=')), a -> new ArrayList<>())
              .add(alert);
        });
    EachOnce.assertEachOnce("alerts", expected, published);
  }
}
