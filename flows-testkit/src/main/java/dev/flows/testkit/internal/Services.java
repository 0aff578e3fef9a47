package dev.flows.testkit.internal;

import dev.flows.testkit.EmbeddedKafkaBroker;
import dev.flows.testkit.EmbeddedPostgresDatabase;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import dev.flows.testkit.TestRabbitMq;
import java.net.URI;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * The services of one test JVM, each started on first use and stopped when the JVM exits. Order:
 * environment variable, then Testcontainers if Docker answers, then embedded; for RabbitMQ, which
 * has no embedded form, a broker on 127.0.0.1:5672 comes before Testcontainers.
 */
public final class Services {
  private static final Logger LOG = LoggerFactory.getLogger(Services.class);
  private static final String KAFKA_IMAGE = "apache/kafka:4.1.1";
  private static final String POSTGRES_IMAGE = "postgres:18";
  private static final String RABBITMQ_IMAGE = "rabbitmq:4-management";
  private static final String LOCAL_RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/%2F";

  private static TestKafka kafka;
  private static TestPostgres postgres;
  private static TestRabbitMq rabbitMq;
  private static Boolean docker;

  private Services() {}

  /** The Kafka broker of this JVM. */
  public static synchronized TestKafka kafka() {
    if (kafka == null) {
      kafka = startKafka(System.getenv());
      LOG.info("tests use {}", kafka);
    }
    return kafka;
  }

  /** The PostgreSQL database of this JVM. */
  public static synchronized TestPostgres postgres() {
    if (postgres == null) {
      postgres = startPostgres(System.getenv());
      LOG.info("tests use {}", postgres);
    }
    return postgres;
  }

  /**
   * The RabbitMQ broker of this JVM, checked to answer: unlike the embedded services, it lives
   * outside the JVM and may stop answering between tests.
   */
  public static synchronized TestRabbitMq rabbitMq() {
    if (rabbitMq == null) {
      rabbitMq = findRabbitMq(System.getenv());
      LOG.info("tests use {}", rabbitMq);
    }
    rabbitMq.requireAnswering();
    return rabbitMq;
  }

  private static TestKafka startKafka(Map<String, String> env) {
    String servers = env.get("FLOWS_TEST_KAFKA");
    if (servers != null && !servers.isBlank()) {
      return new TestKafka(servers, "FLOWS_TEST_KAFKA");
    }
    if (dockerAvailable()) {
      KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
      container.start();
      stopAtExit(container::stop);
      return new TestKafka(container.getBootstrapServers(), "Testcontainers " + KAFKA_IMAGE);
    }
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
    stopAtExit(broker::close);
    return new TestKafka(broker.bootstrapServers(), "embedded in this JVM");
  }

  private static TestPostgres startPostgres(Map<String, String> env) {
    String url = env.get("FLOWS_TEST_POSTGRES");
    if (url != null && !url.isBlank()) {
      return new TestPostgres(
          url,
          env.get("FLOWS_TEST_POSTGRES_USER"),
          env.get("FLOWS_TEST_POSTGRES_PASSWORD"),
          "FLOWS_TEST_POSTGRES");
    }
    if (dockerAvailable()) {
      PostgreSQLContainer container = new PostgreSQLContainer(POSTGRES_IMAGE);
      container.start();
      stopAtExit(container::stop);
      return new TestPostgres(
          container.getJdbcUrl(),
          container.getUsername(),
          container.getPassword(),
          "Testcontainers " + POSTGRES_IMAGE);
    }
    EmbeddedPostgresDatabase database = EmbeddedPostgresDatabase.start();
    stopAtExit(database::close);
    return new TestPostgres(
        database.jdbcUrl(), EmbeddedPostgresDatabase.USER, null, "embedded from Maven jars");
  }

  private static TestRabbitMq findRabbitMq(Map<String, String> env) {
    String uri = env.get("FLOWS_TEST_RABBITMQ");
    if (uri != null && !uri.isBlank()) {
      return new TestRabbitMq(URI.create(uri), "FLOWS_TEST_RABBITMQ");
    }
    if (Ports.answers("127.0.0.1", 5672)) { // make services' broker, which rabbitmqctl controls
      return new TestRabbitMq(URI.create(LOCAL_RABBITMQ), TestRabbitMq.LOCAL);
    }
    if (dockerAvailable()) {
      RabbitMQContainer container = new RabbitMQContainer(RABBITMQ_IMAGE);
      container.start();
      stopAtExit(container::stop);
      return new TestRabbitMq(
          URI.create(container.getAmqpUrl().replace("amqp://", "amqp://guest:guest@")),
          "Testcontainers " + RABBITMQ_IMAGE);
    }
    throw new AssertionError(
        "this test needs RabbitMQ, and none answers on 127.0.0.1:5672 (no Docker engine either). "
            + "Run 'make services' (or 'bash scripts/ensure-rabbitmq.sh'), or set FLOWS_TEST_RABBITMQ=amqp://user:pass@host:5672/vhost");
  }

  private static boolean dockerAvailable() {
    if (docker == null) {
      try {
        docker = DockerClientFactory.instance().isDockerAvailable();
      } catch (RuntimeException | LinkageError e) {
        docker = false;
      }
    }
    return docker;
  }

  private static void stopAtExit(Runnable stop) {
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "flows-testkit-stop"));
  }
}
