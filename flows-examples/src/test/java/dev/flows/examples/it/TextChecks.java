package dev.flows.examples.it;

import dev.flows.testkit.Awaits;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Checks of flows whose keys, values and states are UTF-8 text. */
final class TextChecks {
  private TextChecks() {}

  /** Waits until the row {@code id} of {@code table} holds the state {@code state}. */
  static void awaitState(
      TestPostgres postgres, String table, String id, String state, Duration deadline) {
    Awaits.until(
        deadline,
        id + " " + state + " in " + table,
        () ->
            postgres.queryLong(
                    "SELECT count(*) FROM "
                        + table
                        + " WHERE id = '"
                        + id
                        + "' AND convert_from(state, 'UTF8') = '"
                        + state
                        + "'")
                == 1);
  }

  /**
   * Every committed record of {@code topic}, as key=value, once at least {@code atLeast} are there.
   */
  static List<String> keyValues(TestKafka kafka, String topic, int atLeast, Duration deadline) {
    List<String> all = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readCommitted(topic, atLeast, deadline)) {
      all.add(
          new String(r.key(), StandardCharsets.UTF_8)
              + "="
              + new String(r.value(), StandardCharsets.UTF_8));
    }
    return all;
  }
}
