package dev.flows.examples;

import dev.flows.Flow;
import dev.flows.Topic;
import dev.flows.kafka.KafkaConnector;
import dev.flows.runtime.FlowRuntime;
import dev.flows.runtime.FlowSelection;
import dev.flows.runtime.FlowsConfig;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.testkit.EmbeddedKafkaBroker;
import dev.flows.testkit.EmbeddedPostgresDatabase;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code make run} without any infrastructure: starts a Kafka broker in this JVM and an embedded
 * PostgreSQL for the stateful examples, creates the topics, seeds the seed's sample words (apple x10, pizza x5, beer x2), runs the example flows and
 * prints every record they produce, then stops.
 */
final class EmbeddedDemo {
  /** The seed's sample words and how often each is sent. */
  static final Map<String, Integer> SAMPLE_WORDS = Map.of("apple", 10, "pizza", 5, "beer", 2);

  private static final Duration DEADLINE = Duration.ofSeconds(90);

  private EmbeddedDemo() {}

  static void run(FlowsConfig config) throws Exception {
    PrintStream out = System.out;
    out.println("No FLOWS_KAFKA_BOOTSTRAP_SERVERS: starting an embedded Kafka broker and PostgreSQL for the demo...");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        EmbeddedPostgresDatabase database = EmbeddedPostgresDatabase.start();
        PostgresStateStore store = PostgresStateStore.create(database.dataSource())) {
      KafkaConnector connector = KafkaConnector.create(config.withKafkaBootstrapServers(broker.bootstrapServers()));
      connector.createTopics(Examples.topics(), Examples.PARTITIONS);
      seed(broker.bootstrapServers());
      List<Flow> flows = FlowSelection.select(Examples.all(), config.instance());
      try (FlowRuntime runtime = FlowRuntime.builder(flows.toArray(Flow[]::new)).connector(connector).stateStore(store).build().start()) {
        int printed = printOutputs(broker.bootstrapServers(), flows, expectedOutputs(flows), out);
        out.printf("Demo done: %d records produced by %s%n", printed, flows.stream().map(Flow::name).toList());
      }
    }
  }

  static void seed(String bootstrapServers) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      SAMPLE_WORDS.forEach((word, times) -> {
        for (int i = 0; i < times; i++) {
          producer.send(new ProducerRecord<>(WordRemap.WORD.name(), word, word));
        }
      });
      producer.flush();
    }
  }

  /** How many records each flow writes for the sample words: one per word and output topic. */
  private static int expectedOutputs(List<Flow> flows) {
    int words = SAMPLE_WORDS.values().stream().mapToInt(Integer::intValue).sum();
    return flows.stream().mapToInt(f -> f.outputs().size() * words).sum();
  }

  private static int printOutputs(String bootstrapServers, List<Flow> flows, int expected, PrintStream out) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "flows-demo-printer");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> topics = flows.stream().flatMap(f -> f.outputs().stream()).map(Topic::name).distinct().toList();
    int printed = 0;
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(topics);
      while (printed < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          out.printf("%-14s %-8s -> %s%n", r.topic(), r.key(), r.value());
          printed++;
        }
      }
    }
    if (printed < expected) {
      throw new IllegalStateException("the demo expected " + expected + " records but saw " + printed + " within " + DEADLINE);
    }
    return printed;
  }
}
