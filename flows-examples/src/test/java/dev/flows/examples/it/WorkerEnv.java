package dev.flows.examples.it;

import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.util.HashMap;
import java.util.Map;

/** The environment a worker in a child JVM reads the test's Kafka and PostgreSQL from. */
final class WorkerEnv {
  private WorkerEnv() {}

  /** {@code extra}, with the bootstrap servers and PostgreSQL's URL, user and password. */
  static Map<String, String> of(TestKafka kafka, TestPostgres postgres, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("FLOWS_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("FLOWS_POSTGRES_URL", postgres.jdbcUrl());
    if (postgres.user() != null) {
      env.put("FLOWS_POSTGRES_USER", postgres.user());
    }
    if (postgres.password() != null) {
      env.put("FLOWS_POSTGRES_PASSWORD", postgres.password());
    }
    return env;
  }
}
