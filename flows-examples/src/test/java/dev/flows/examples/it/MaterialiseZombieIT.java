package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Column;
import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.Topic;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresTableSink;
import dev.flows.runtime.FlowRuntime;
import dev.flows.runtime.FlowStatus;
import dev.flows.spi.MarkerPurge;
import dev.flows.spi.RefusedChanges;
import dev.flows.spi.TableSink;
import dev.flows.spi.TopicLedger;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FaultyConnector;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A zombie cannot bring a deleted row back, end to end on the real broker and PostgreSQL: worker A
 * has mapped its batch (an upsert of key k) and is held before it writes, its polling thread frozen
 * until the group evicts it ({@code max.poll.interval.ms}); worker B takes the partition, applies
 * the upsert and the later tombstone of k; then A writes its stale upsert. The row stays deleted
 * (the marker refuses it), and A, polling again, finds it lost the partition and commits nothing.
 */
@FlowsServices
class MaterialiseZombieIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private final Topic<String, String> words = topic("it-zombie-words", string(), string());
  private final TableSpec table =
      TableSpec.of("it_zombie_words", Column.text("word"))
          .withColumn(Column.text("value"))
          .withOffsetColumn("updated_offset");
  private final Flow flow =
      Flows.materialise("it-zombie-words")
          .from(words)
          .into(table, (word, value) -> Row.of("value", value));

  @Test
  void shouldKeepTheRowDeletedWhenAZombieWritesItsStaleUpsertAfterTheNewOwnersTombstone(
      TestKafka kafka, TestPostgres postgres) throws InterruptedException {
    kafka.createTopic(words.name(), 1);
    kafka.createTopic(flow.deadLetterTopic(), 1);
    postgres.execute("DROP TABLE IF EXISTS " + table.name());
    FaultyConnector zombieBroker =
        FaultyConnector.wrap(
            KafkaConnector.create(kafka.bootstrapServers())
                .withProperty("max.poll.interval.ms", 3_000)
                .withProperty("session.timeout.ms", 6_000));
    try (PostgresTableSink zombieTables = PostgresTableSink.create(postgres.dataSource());
        PostgresTableSink ownerTables = PostgresTableSink.create(postgres.dataSource())) {
      HeldWrites held = new HeldWrites(zombieTables);
      try (FlowRuntime zombie =
          FlowRuntime.builder(flow).connector(zombieBroker).tableSink(held).build().start()) {
        try {
          kafka.produce(words.name(), List.<byte[][]>of(record("k", "stale")));
          assertTrue(held.reached.await(DEADLINE.toSeconds(), TimeUnit.SECONDS), "A in its write");
          zombieBroker.stallPolls(); // frozen: misses max.poll.interval.ms and leaves the group
          try (FlowRuntime owner =
              FlowRuntime.builder(flow)
                  .connector(KafkaConnector.create(kafka.bootstrapServers()))
                  .tableSink(ownerTables)
                  .build()
                  .start()) {
            kafka.produce(words.name(), List.<byte[][]>of(record("k", null)));
            Awaits.until(DEADLINE, "B committed both records", () -> committed(kafka) >= 2);
            assertEquals("deleted at 1", state(postgres), "B's tombstone");

            held.release.countDown(); // A writes its stale upsert of offset 0
            assertTrue(held.written.await(DEADLINE.toSeconds(), TimeUnit.SECONDS), "A wrote");

            assertEquals("deleted at 1", state(postgres), "the stale upsert was refused");
            zombieBroker.resumePolls();
            Awaits.until(DEADLINE, "A to find it lost the partition", () -> !assigned(zombie));
            assertTrue(assigned(owner), "B keeps the partition");
            assertEquals(2, committed(kafka), "A committed nothing over B's offsets");
          }
        } finally {
          held.release.countDown();
          zombieBroker.resumePolls(); // lets A's loop stop
        }
      }
    }
  }

  /** {@code deleted at <offset>}, {@code <value> at <offset>}, or {@code absent}: key k's row. */
  private String state(TestPostgres postgres) {
    long rows = postgres.queryLong("SELECT count(*) FROM " + table.name() + " WHERE word = 'k'");
    if (rows == 0) {
      return "absent";
    }
    long offset =
        postgres.queryLong("SELECT updated_offset FROM " + table.name() + " WHERE word = 'k'");
    long live =
        postgres.queryLong(
            "SELECT count(*) FROM " + table.name() + " WHERE word = 'k' AND NOT deleted");
    return (live == 0 ? "deleted" : "live") + " at " + offset;
  }

  private long committed(TestKafka kafka) {
    return kafka.committedOffsets(flow.name(), words.name()).getOrDefault(0, 0L);
  }

  private static boolean assigned(FlowRuntime runtime) {
    return runtime.status().stream().allMatch(FlowStatus::assigned);
  }

  private static byte[][] record(String key, String value) {
    return new byte[][] {
      key.getBytes(StandardCharsets.UTF_8),
      value == null ? null : value.getBytes(StandardCharsets.UTF_8)
    };
  }

  /** The zombie's table sink: holds its first write until released, then writes it. */
  private static final class HeldWrites implements TableSink {
    private final TableSink tables;
    final CountDownLatch reached = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch written = new CountDownLatch(1);

    HeldWrites(TableSink tables) {
      this.tables = tables;
    }

    @Override
    public void prepare(TableSpec table) {
      tables.prepare(table);
    }

    @Override
    public List<RefusedChanges> write(TableSpec table, List<RowChanges> changes) {
      reached.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while held", e);
      }
      List<RefusedChanges> refused = tables.write(table, changes);
      written.countDown();
      return refused;
    }

    @Override
    public int purgeMarkers(TableSpec table, MarkerPurge purge) {
      return tables.purgeMarkers(table, purge);
    }

    @Override
    public TopicLedger topics() {
      return tables.topics();
    }

    @Override
    public void close() {}
  }
}
