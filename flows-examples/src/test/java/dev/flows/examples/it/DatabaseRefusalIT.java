package dev.flows.examples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;
import dev.flows.runtime.FlowStatus;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.EmbeddedPostgresDatabase;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * docs/operations.md, "PostgreSQL's refusals": a database that refuses a stateful flow for a reason
 * retrying cannot fix stops the flow at its first batch, with the cause and the fix as its failure;
 * a database that is down when the flow starts is a transient failure: the flow retries, shows why
 * as {@code retrying} in {@code /health/ready}, and counts exactly once the database is up.
 */
@FlowsServices
class DatabaseRefusalIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @Test
  void shouldStopTheFlowWithTheCauseAndTheFixWhenItsDatabaseDoesNotExist(
      TestKafka kafka, TestPostgres postgres) {
    CountFlow count = new CountFlow("refuseddb");
    kafka.createTopic(count.input().name(), 1);
    kafka.createTopic(count.output().name(), 1);
    PGSimpleDataSource missing = new PGSimpleDataSource();
    missing.setURL(postgres.jdbcUrl());
    missing.setDatabaseName("no_such_database");
    try (PostgresStateStore store = PostgresStateStore.create(missing);
        FlowRuntime runtime = runtime(count, kafka, store).adminPort(0).build().start()) {
      new CountChecks(count, kafka, postgres, 10).produce(0, 10);

      Awaits.until(
          DEADLINE,
          "the flow to stop with the refusal",
          () -> !runtime.status().get(0).running() && runtime.status().get(0).failure() != null);

      FlowStatus status = runtime.status().get(0);
      assertTrue(status.failure().contains("no_such_database"), status.failure());
      assertTrue(status.failure().contains("CREATE DATABASE"), status.failure());
      HttpResponse<String> ready = ready(runtime);
      assertEquals(503, ready.statusCode());
      assertTrue(ready.body().contains("CREATE DATABASE"), ready.body());
    }
  }

  @Test
  void shouldRetryShowingWhyAndCountExactlyWhenTheDatabaseIsDownAtStart(TestKafka kafka) {
    try (EmbeddedPostgresDatabase database = EmbeddedPostgresDatabase.start()) {
      TestPostgres postgres =
          new TestPostgres(database.jdbcUrl(), null, null, "a database of this test");
      CountFlow count = new CountFlow("downatstart");
      CountChecks checks = new CountChecks(count, kafka, postgres, 20);
      checks.prepare(2);
      database.shutdown();
      try (PostgresStateStore store = PostgresStateStore.create(database.jdbcUrl(), null, null);
          FlowRuntime runtime = runtime(count, kafka, store).adminPort(0).build().start()) {
        checks.produce(0, 1_000);

        Awaits.until(
            DEADLINE,
            "the flow to retry its first batch",
            () -> runtime.status().get(0).retrying() != null);
        FlowStatus retrying = runtime.status().get(0);
        assertTrue(retrying.running(), "a database that is down does not stop the flow");
        assertNull(retrying.failure());
        HttpResponse<String> notReady = ready(runtime);
        assertEquals(503, notReady.statusCode());
        assertTrue(notReady.body().contains("\"retrying\":\""), notReady.body());

        database.restart();
        Awaits.until(DEADLINE, "every record applied", () -> checks.appliedSum() >= 1_000);
        Awaits.until(DEADLINE, "the flow to be ready", runtime::isReady);
        assertNull(runtime.status().get(0).retrying(), "nothing retried once it succeeded");
        assertFalse(ready(runtime).body().contains("\"retrying\":\""));
      }
      checks.assertExactCounts(1_000);
    }
  }

  private static FlowRuntime.Builder runtime(
      CountFlow count, TestKafka kafka, PostgresStateStore store) {
    return FlowRuntime.builder(count.flow(null))
        .connector(KafkaConnector.create(kafka.bootstrapServers()))
        .stateStore(store);
  }

  private static HttpResponse<String> ready(FlowRuntime runtime) {
    URI uri = URI.create("http://localhost:" + runtime.adminPort().orElseThrow() + "/health/ready");
    try {
      return HttpClient.newHttpClient()
          .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("GET " + uri + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
