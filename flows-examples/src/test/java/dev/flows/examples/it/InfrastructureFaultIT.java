package dev.flows.examples.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.EmbeddedKafkaBroker;
import dev.flows.testkit.EmbeddedPostgresDatabase;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * docs/semantics.md: infrastructure failures are never dead-lettered. With the broker or the
 * database stopped while a batch is in flight, a stateful count reports not ready, retries,
 * recovers by itself once the service is back, and its counts stay exact. Each test restarts a
 * service of its own, so the shared ones stay up for the other tests.
 */
@FlowsServices
class InfrastructureFaultIT {
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  @Test
  void shouldReportNotReadyAndLoseNothingWhenTheKafkaBrokerRestartsMidStream(
      TestPostgres postgres) {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      TestKafka kafka = new TestKafka(broker.bootstrapServers(), "a broker of this test");
      CountFlow count = new CountFlow("brokerfault");
      CountChecks checks = new CountChecks(count, kafka, postgres, 200);
      checks.prepare(3);
      try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
          FlowRuntime runtime = runtime(count, kafka, store).start()) {
        checks.produce(0, 10_000);
        Awaits.until(DEADLINE, "the first half applied", () -> checks.appliedSum() >= 10_000);
        checks.produce(10_000, 20_000);
        broker.shutdown();
        Awaits.until(DEADLINE, "the flow to report not ready", () -> !runtime.isReady());
        broker.restart();
        Awaits.until(
            DEADLINE,
            "every record applied after the restart",
            () -> checks.appliedSum() >= 20_000);
        Awaits.until(DEADLINE, "the flow to be ready again", runtime::isReady);
        assertTrue(runtime.isLive(Duration.ofSeconds(10)), "the poll loop went on throughout");
      }
      checks.assertExactCounts(20_000);
      checks.assertEveryInputPublished(20_000);
    }
  }

  @Test
  void shouldReportNotReadyAndLoseNothingWhenPostgresRestartsMidStream(TestKafka kafka) {
    try (EmbeddedPostgresDatabase database = EmbeddedPostgresDatabase.start()) {
      TestPostgres postgres =
          new TestPostgres(database.jdbcUrl(), null, null, "a database of this test");
      CountFlow count = new CountFlow("dbfault");
      CountChecks checks = new CountChecks(count, kafka, postgres, 200);
      checks.prepare(3);
      try (PostgresStateStore store = PostgresStateStore.create(database.dataSource());
          FlowRuntime runtime = runtime(count, kafka, store).start()) {
        checks.produce(0, 10_000);
        Awaits.until(DEADLINE, "the first half applied", () -> checks.appliedSum() >= 10_000);
        database.shutdown();
        checks.produce(10_000, 20_000);
        Awaits.until(DEADLINE, "the flow to report not ready", () -> !runtime.isReady());
        database.restart();
        Awaits.until(
            DEADLINE,
            "every record applied after the restart",
            () -> checks.appliedSum() >= 20_000);
        Awaits.until(DEADLINE, "the flow to be ready again", runtime::isReady);
      }
      checks.assertExactCounts(20_000);
      checks.assertEveryInputPublished(20_000);
    }
  }

  private static FlowRuntime runtime(CountFlow count, TestKafka kafka, PostgresStateStore store) {
    return FlowRuntime.builder(count.flow(null))
        .connector(KafkaConnector.create(kafka.bootstrapServers()))
        .stateStore(store)
        .build();
  }
}
