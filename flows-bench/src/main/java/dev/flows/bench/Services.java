package dev.flows.bench;

import dev.flows.testkit.EmbeddedKafkaBroker;
import dev.flows.testkit.EmbeddedPostgresDatabase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * The services the contenders share: Kafka and PostgreSQL from {@code
 * FLOWS_KAFKA_BOOTSTRAP_SERVERS} and {@code FLOWS_POSTGRES_URL} when set, otherwise embedded in
 * this (the parent) JVM; RabbitMQ from {@code FLOWS_RABBITMQ_URI} or on localhost, if one answers.
 */
final class Services implements AutoCloseable {
  static final String DEFAULT_RABBITMQ_URI = "amqp://guest:guest@127.0.0.1:5672/%2F";

  private final EmbeddedKafkaBroker broker;
  private final EmbeddedPostgresDatabase postgres;
  private final String bootstrap;
  private final String postgresUrl;
  private final URI rabbitUri;

  private Services(
      EmbeddedKafkaBroker broker,
      EmbeddedPostgresDatabase postgres,
      String bootstrap,
      String postgresUrl,
      URI rabbitUri) {
    this.broker = broker;
    this.postgres = postgres;
    this.bootstrap = bootstrap;
    this.postgresUrl = postgresUrl;
    this.rabbitUri = rabbitUri;
  }

  static Services start(Map<String, String> env) {
    String bootstrap = env.get("FLOWS_KAFKA_BOOTSTRAP_SERVERS");
    EmbeddedKafkaBroker broker = bootstrap == null ? EmbeddedKafkaBroker.start() : null;
    String pgUrl = env.get("FLOWS_POSTGRES_URL");
    EmbeddedPostgresDatabase postgres = pgUrl == null ? EmbeddedPostgresDatabase.start() : null;
    URI rabbit = URI.create(env.getOrDefault("FLOWS_RABBITMQ_URI", DEFAULT_RABBITMQ_URI));
    return new Services(
        broker,
        postgres,
        broker == null ? bootstrap : broker.bootstrapServers(),
        postgres == null ? pgUrl : postgres.jdbcUrl(),
        rabbit);
  }

  String bootstrap() {
    return bootstrap;
  }

  String postgresUrl() {
    return postgresUrl;
  }

  /** The RabbitMQ URI if something listens there. */
  Optional<URI> rabbitMq() {
    int port = rabbitUri.getPort() < 0 ? 5672 : rabbitUri.getPort();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(rabbitUri.getHost(), port), 1_000);
      return Optional.of(rabbitUri);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  String describe() {
    return "Kafka "
        + (broker == null
            ? bootstrap + " (FLOWS_KAFKA_BOOTSTRAP_SERVERS)"
            : "embedded KRaft broker in the parent JVM")
        + ", PostgreSQL "
        + (postgres == null ? "from FLOWS_POSTGRES_URL" : "embedded (zonky)")
        + ", RabbitMQ "
        + rabbitUri.getHost()
        + ":"
        + (rabbitUri.getPort() < 0 ? 5672 : rabbitUri.getPort());
  }

  @Override
  public void close() {
    if (postgres != null) {
      postgres.close();
    }
    if (broker != null) {
      broker.close();
    }
  }
}
