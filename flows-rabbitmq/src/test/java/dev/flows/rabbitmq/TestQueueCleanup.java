package dev.flows.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.flows.testkit.TestRabbitMq;
import dev.flows.testkit.internal.Services;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes, after each test class, the queues its tests named with {@link Amqp#uniqueName}: each
 * name's work queue, dead-letter queue and delay queues ({@code <name>.*}). Every executor declares
 * quorum queues, and a local test broker that kept hundreds of them from run after run recovered
 * slowly after each restart and, twice, stopped answering handshakes. Registered for every test
 * class of this module (JUnit's extension auto-detection, see {@code junit-platform.properties}); a
 * class that named no queue costs nothing. A cleanup that fails is logged, never fails a test.
 */
public final class TestQueueCleanup implements AfterAllCallback {
  private static final Logger LOG = LoggerFactory.getLogger(TestQueueCleanup.class);
  private static final Set<String> NAMED = ConcurrentHashMap.newKeySet();

  static void register(String queue) {
    NAMED.add(queue);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (NAMED.isEmpty()) {
      return;
    }
    List<String> names = new ArrayList<>(NAMED);
    NAMED.removeAll(names);
    try {
      delete(Services.rabbitMq(), names);
    } catch (Exception | AssertionError e) {
      LOG.warn("could not delete the test queues of {}: {}", names, e.toString());
    }
  }

  private static void delete(TestRabbitMq rabbit, List<String> names) throws Exception {
    List<String> queues = queuesNamedAfter(names);
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(rabbit.uri());
    factory.setConnectionTimeout(5_000);
    factory.setHandshakeTimeout(5_000);
    try (Connection connection = factory.newConnection("flows-it-cleanup");
        Channel channel = connection.createChannel()) {
      for (String queue : queues) {
        channel.queueDelete(queue);
      }
    }
    LOG.info("deleted {} test queues named after {}", queues.size(), names);
  }

  /**
   * The broker's queues named after {@code names} (the name, or the name and a dot), as the local
   * broker lists them; without rabbitmqctl, each name and its dead-letter queue.
   */
  private static List<String> queuesNamedAfter(List<String> names) {
    List<String> queues = new ArrayList<>();
    for (String queue : listed()) {
      if (names.stream().anyMatch(n -> queue.equals(n) || queue.startsWith(n + "."))) {
        queues.add(queue);
      }
    }
    if (queues.isEmpty()) {
      names.forEach(
          n -> {
            queues.add(n);
            queues.add(n + dev.flows.Queue.DEAD_LETTER_SUFFIX);
          });
    }
    return queues;
  }

  private static List<String> listed() {
    String command =
        Files.isExecutable(Path.of(TestRabbitMq.RABBITMQCTL))
            ? TestRabbitMq.RABBITMQCTL
            : "rabbitmqctl";
    try {
      Process process =
          new ProcessBuilder(command, "-q", "list_queues", "name", "--no-table-headers")
              .redirectErrorStream(true)
              .start();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return List.of();
      }
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return process.exitValue() == 0 ? out.lines().map(String::trim).toList() : List.of();
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }
}
