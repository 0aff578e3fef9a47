package dev.flows.examples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.Column;
import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.Row;
import dev.flows.TableSpec;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresOptions;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.postgres.PostgresTableSink;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPgBouncer;
import dev.flows.testkit.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md, "Behind PgBouncer": a stateful count and a materialise flow of its counts,
 * their state store and table sink both reaching PostgreSQL through Debian's PgBouncer in
 * transaction mode with one server connection, with {@code FLOWS_POSTGRES_PGBOUNCER}'s option:
 * every count exact, every last count materialised, no batch retried.
 */
@FlowsServices
class PgBouncerFlowIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final int RECORDS = 5_000;
  private static final int KEYS = 50;
  private static final TableSpec TABLE =
      TableSpec.of("it_bouncer_counts", Column.text("word"))
          .withColumn(Column.bigint("count"))
          .withOffsetColumn("updated_offset");

  @Test
  void shouldCountAndMaterialiseExactlyThroughPgBouncerInTransactionMode(
      TestKafka kafka, TestPostgres postgres) {
    CountFlow count = new CountFlow("bouncer");
    CountChecks checks = new CountChecks(count, kafka, postgres, KEYS);
    checks.prepare(3);
    Flow materialise = materialise(count);
    kafka.createTopic(materialise.deadLetterTopic(), 1);
    postgres.execute("DROP TABLE IF EXISTS " + TABLE.name());
    PostgresOptions pooled = PostgresOptions.defaults().withPgBouncer(true);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (TestPgBouncer bouncer = TestPgBouncer.start(postgres, 1);
        PostgresStateStore store =
            PostgresStateStore.create(
                bouncer.jdbcUrl(), bouncer.user(), postgres.password(), pooled);
        PostgresTableSink sink =
            PostgresTableSink.create(
                bouncer.jdbcUrl(), bouncer.user(), postgres.password(), pooled);
        FlowRuntime runtime =
            FlowRuntime.builder(count.flow(null), materialise)
                .connector(KafkaConnector.create(kafka.bootstrapServers()))
                .stateStore(store)
                .tableSink(sink)
                .meterRegistry(meters)
                .build()
                .start()) {
      checks.produce(0, RECORDS);

      Awaits.until(DEADLINE, "every record counted", () -> checks.appliedSum() >= RECORDS);
      Awaits.until(
          DEADLINE, "every last count materialised", () -> materialised(postgres).equals(counts()));
      assertEquals(
          0.0,
          meters.find("flows.batch.retries").counters().stream().mapToDouble(c -> c.count()).sum(),
          "no batch retried");
    }
    checks.assertExactCounts(RECORDS);
    assertEquals(counts(), materialised(postgres));
  }

  /** The last count of each key, from the count's outputs ({@code <count>:<input>}). */
  private static Flow materialise(CountFlow count) {
    return Flows.materialise("it-bouncer-materialise", FlowOptions.defaults().withMaxRecords(200))
        .from(count.output())
        .into(
            TABLE,
            (word, counted) ->
                Row.of("count", Long.parseLong(counted.substring(0, counted.indexOf(':')))));
  }

  private static Map<String, Long> counts() {
    Map<String, Long> counts = new HashMap<>();
    for (int i = 0; i < RECORDS; i++) {
      counts.merge("k" + (i % KEYS), 1L, Long::sum);
    }
    return counts;
  }

  private static Map<String, Long> materialised(TestPostgres postgres) {
    Map<String, Long> rows = new HashMap<>();
    try (Connection c = postgres.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT word, count FROM " + TABLE.name() + " WHERE NOT deleted")) {
      while (rs.next()) {
        rows.put(rs.getString(1), rs.getLong(2));
      }
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return rows; // not created yet
      }
      throw new AssertionError("cannot read " + TABLE.name() + ": " + e.getMessage(), e);
    }
    return rows;
  }
}
