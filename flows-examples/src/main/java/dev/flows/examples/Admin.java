package dev.flows.examples;

import dev.flows.Flow;
import dev.flows.FlowsException;
import dev.flows.kafka.KafkaConnector;
import dev.flows.runtime.FlowsConfig;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The {@code make reset | listen | group-delete} commands against {@code FLOWS_KAFKA_BOOTSTRAP_SERVERS}
 * (e.g. the docker compose broker on localhost:9092).
 */
public final class Admin {
  private Admin() {}

  /** {@code reset}, {@code listen <topic>} or {@code group-delete}. */
  public static void main(String[] args) throws Exception {
    FlowsConfig config = FlowsConfig.fromEnv();
    String servers = config.kafkaBootstrapServers().orElse("localhost:9092");
    String command = args.length == 0 ? "help" : args[0];
    switch (command) {
      case "reset" -> reset(servers);
      case "listen" -> listen(servers, args.length > 1 ? args[1] : WordRemap.WORD_UPDATED.name());
      case "group-delete" -> deleteGroups(servers);
      default -> System.out.println("usage: Admin reset | listen <topic> | group-delete");
    }
  }

  private static void reset(String servers) throws InterruptedException, ExecutionException {
    try (org.apache.kafka.clients.admin.Admin admin = admin(servers)) {
      List<String> existing = admin.listTopics().names().get().stream().filter(Examples.topics()::contains).toList();
      admin.deleteTopics(existing).all().get();
    }
    KafkaConnector.create(servers).createTopics(Examples.topics(), Examples.PARTITIONS);
    EmbeddedDemo.seed(servers);
    System.out.println("recreated " + Examples.topics() + " and seeded " + EmbeddedDemo.SAMPLE_WORDS);
  }

  private static void listen(String servers, String topic) {
    Properties props = new Properties();
    props.put("bootstrap.servers", servers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "flows-listen-" + ProcessHandle.current().pid());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      System.out.println("listening to " + topic + " (Ctrl-C to stop)");
      while (true) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> System.out.printf("%s-%d@%d %s -> %s%n", r.topic(), r.partition(), r.offset(), r.key(), r.value()));
      }
    }
  }

  private static void deleteGroups(String servers) throws InterruptedException {
    List<String> groups = Examples.all().stream().map(Flow::name).toList();
    try (org.apache.kafka.clients.admin.Admin admin = admin(servers)) {
      admin.deleteConsumerGroups(groups).all().get();
      System.out.println("deleted groups " + groups);
    } catch (ExecutionException e) {
      throw new FlowsException("cannot delete groups " + groups + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  private static org.apache.kafka.clients.admin.Admin admin(String servers) {
    Properties props = new Properties();
    props.put("bootstrap.servers", servers);
    return org.apache.kafka.clients.admin.Admin.create(props);
  }
}
