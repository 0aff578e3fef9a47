package dev.flows.testkit;

import dev.flows.testkit.internal.Ports;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one) running inside this JVM, on
 * free ports of 127.0.0.1, with its logs in a temporary directory deleted on close. Starts in about
 * two seconds; for tests, benchmarks and demos, never for production data.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
 *   KafkaConnector connector = KafkaConnector.create(broker.bootstrapServers());
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  /**
   * The log cleaner's dedupe buffer in bytes: {@value}. Kafka's default takes 128 MiB of heap,
   * which a small test JVM cannot spare.
   */
  public static final int DEDUPE_BUFFER_BYTES = 2 * 1024 * 1024;

  private final KafkaConfig config;
  private final Path logDir;
  private final String bootstrapServers;
  private KafkaRaftServer server;

  private EmbeddedKafkaBroker(KafkaConfig config, Path logDir, String bootstrapServers) {
    this.config = config;
    this.logDir = logDir;
    this.bootstrapServers = bootstrapServers;
  }

  /** Formats a fresh log directory and starts the broker; returns once it accepts connections. */
  public static EmbeddedKafkaBroker start() {
    try {
      Path logDir = Files.createTempDirectory("flows-kafka-");
      int brokerPort = Ports.free();
      int controllerPort = Ports.free();
      KafkaConfig config = KafkaConfig.fromProps(properties(logDir, brokerPort, controllerPort));
      format(config, logDir);
      EmbeddedKafkaBroker broker =
          new EmbeddedKafkaBroker(config, logDir, "127.0.0.1:" + brokerPort);
      broker.restart();
      return broker;
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start the embedded Kafka broker: " + e.getMessage(), e);
    }
  }

  private static Properties properties(Path logDir, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(DEDUPE_BUFFER_BYTES));
    return p;
  }

  private static void format(KafkaConfig config, Path logDir) {
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(1)
          .setClusterId(Uuid.randomUuid().toString())
          .setDirectories(List.of(logDir.toString()))
          .setMetadataLogDirectory(config.metadataLogDir())
          .setControllerListenerName("CONTROLLER")
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .setIgnoreFormatted(true)
          .run();
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot format the embedded Kafka log directory " + logDir + ": " + e.getMessage(), e);
    }
  }

  /** Where clients connect: {@code 127.0.0.1:<port>}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Stops the broker as a crash would look to clients, keeping its logs and ports, so fault tests
   * can {@link #restart()} it.
   */
  public synchronized void shutdown() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  /**
   * Starts the broker again on the same ports and logs after {@link #shutdown()}; a no-op while it
   * runs.
   */
  public synchronized void restart() {
    if (server == null) {
      server = new KafkaRaftServer(config, Time.SYSTEM);
      server.startup();
    }
  }

  /** Stops the broker and deletes its logs. */
  @Override
  public void close() {
    shutdown();
    try {
      Utils.delete(logDir.toFile());
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }
}
