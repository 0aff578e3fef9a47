package dev.flows.examples;

import dev.flows.Flow;
import dev.flows.FlowKind;
import dev.flows.Topic;
import dev.flows.Windows;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.postgres.PostgresTableSink;
import dev.flows.rabbitmq.RabbitTaskQueue;
import dev.flows.runtime.FlowRuntime;
import dev.flows.runtime.FlowSelection;
import dev.flows.runtime.FlowsConfig;
import dev.flows.testkit.EmbeddedKafkaBroker;
import dev.flows.testkit.EmbeddedPostgresDatabase;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code make run} without any infrastructure: starts a Kafka broker in this JVM and an embedded
 * PostgreSQL for the stateful and materialise examples, creates the topics, seeds the seed's sample
 * word types (apple fruit, pizza food, beer drink) and words (apple x10, pizza x5, beer x2), runs
 * the example flows, prints every record they produce and the materialised table; then sends one
 * more of each word stamped a window and its grace ahead, which closes the windows of {@code
 * flows-word-window-count}, prints their final counts, and stops.
 */
final class EmbeddedDemo {
  /** The seed's sample words and how often each is sent. */
  static final Map<String, Integer> SAMPLE_WORDS = Map.of("apple", 10, "pizza", 5, "beer", 2);

  /** The sample descriptions of the words, for the join. */
  static final Map<String, String> SAMPLE_TYPES =
      Map.of("apple", "fruit", "pizza", "food", "beer", "drink");

  /** The sample word the demo posts to the HTTP adapter instead of sending it to Kafka. */
  static final String HTTP_WORD = "beer";

  /** Task results the demo waits for when the task examples run. */
  private static final long TASK_RESULTS = 3;

  private static final String LOCAL_RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/%2F";
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  private EmbeddedDemo() {}

  static void run(FlowsConfig config) throws Exception {
    PrintStream out = System.out;
    out.println(
        "No FLOWS_KAFKA_BOOTSTRAP_SERVERS: starting an embedded Kafka broker and PostgreSQL for the demo...");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        EmbeddedPostgresDatabase database = EmbeddedPostgresDatabase.start();
        Wiring wiring = new Wiring()) {
      KafkaConnector connector =
          KafkaConnector.create(config.withKafkaBootstrapServers(broker.bootstrapServers()));
      connector.createTopics(Examples.topics(), Examples.PARTITIONS);
      List<Flow> flows = FlowSelection.select(demoFlows(config, out), config.instance());
      Wiring.Sources sources =
          new Wiring.Sources(
              () -> PostgresStateStore.create(database.dataSource()),
              () -> PostgresTableSink.create(database.dataSource()),
              () -> RabbitTaskQueue.create(rabbitMqUri(config)));
      FlowRuntime.Builder builder =
          FlowRuntime.builder(flows.toArray(Flow[]::new)).connector(connector).adminPort(0);
      try (FlowRuntime runtime = wiring.attach(builder, flows, sources).build().start()) {
        send(broker.bootstrapServers(), SAMPLE_TYPES, Map.of());
        if (flows.stream().anyMatch(f -> f.name().equals(WordJoin.join().apply().name()))) {
          awaitDescriptions(database.dataSource());
        }
        sendWords(broker.bootstrapServers(), flows, runtime, out);
        int printed =
            OutputPrinter.print(broker.bootstrapServers(), expectedOutputs(flows), DEADLINE, out);
        if (flows.stream().anyMatch(f -> f.kind() == FlowKind.MATERIALISE)) {
          printTable(database.dataSource(), out);
        }
        if (flows.stream().anyMatch(f -> f.name().equals(WordWindowCount.flow().name()))) {
          printed += closeWindows(broker.bootstrapServers(), out);
        }
        out.printf(
            "Demo done: %d records produced by %s%n",
            printed, flows.stream().map(Flow::name).toList());
      }
    }
  }

  /** The word examples, and the task examples when a RabbitMQ answers. */
  private static List<Flow> demoFlows(FlowsConfig config, PrintStream out) {
    URI rabbitMq = rabbitMqUri(config);
    if (!answers(rabbitMq)) {
      out.println(
          "No RabbitMQ on "
              + rabbitMq.getHost()
              + ":"
              + rabbitMq.getPort()
              + ": the task examples stay out (run 'make services' to start one, or set FLOWS_RABBITMQ_URI)");
      return Examples.words();
    }
    return Examples.all();
  }

  private static URI rabbitMqUri(FlowsConfig config) {
    return URI.create(config.rabbitmqUri().orElse(LOCAL_RABBITMQ));
  }

  private static boolean answers(URI uri) {
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 5672 : uri.getPort()), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Apple and pizza go to Kafka directly; beer comes in through the HTTP adapter when it runs. */
  private static void sendWords(
      String bootstrapServers, List<Flow> flows, FlowRuntime runtime, PrintStream out) {
    boolean adapter = flows.stream().anyMatch(f -> f.kind() == FlowKind.HTTP);
    Map<String, Integer> direct = new LinkedHashMap<>(SAMPLE_WORDS);
    if (adapter) {
      int times = direct.remove(HTTP_WORD);
      AdapterClient.post(runtime.adminPort().orElseThrow(), HTTP_WORD, times, out);
    }
    send(bootstrapServers, Map.of(), direct);
  }

  /** Sends the sample word types, then the sample words. */
  static void seed(String bootstrapServers) {
    send(bootstrapServers, SAMPLE_TYPES, SAMPLE_WORDS);
  }

  private static void send(
      String bootstrapServers, Map<String, String> types, Map<String, Integer> words) {
    try (KafkaProducer<String, String> producer = producer(bootstrapServers)) {
      types.forEach(
          (word, type) ->
              producer.send(new ProducerRecord<>(WordJoin.WORD_TYPE.name(), word, type)));
      producer.flush();
      words.forEach(
          (word, times) -> {
            for (int i = 0; i < times; i++) {
              producer.send(new ProducerRecord<>(WordRemap.WORD.name(), word, word));
            }
          });
      producer.flush();
    }
  }

  /**
   * Sends each sample word once more, stamped a window and its grace after now: every window the
   * sample words fell in closes, and {@code flows-word-window-count} publishes their final counts,
   * which add up to the sample words' total. Returns how many it printed.
   */
  private static int closeWindows(String bootstrapServers, PrintStream out) {
    Windows windows = WordWindowCount.WINDOWS;
    long later = System.currentTimeMillis() + windows.size().plus(windows.grace()).toMillis();
    out.printf(
        "Closing the windows (%s): one more of each word, stamped %s%n",
        windows, Instant.ofEpochMilli(later));
    try (KafkaProducer<String, String> producer = producer(bootstrapServers)) {
      SAMPLE_WORDS
          .keySet()
          .forEach(
              word ->
                  producer.send(
                      new ProducerRecord<>(WordRemap.WORD.name(), null, later, word, word)));
    }
    Map<String, Long> counts = Map.of(WordWindowCount.WORD_WINDOW_COUNT.name(), sampleTotal());
    return OutputPrinter.print(bootstrapServers, counts, DEADLINE, out);
  }

  /** How many sample words the demo sends: {@code 17}. */
  private static long sampleTotal() {
    return SAMPLE_WORDS.values().stream().mapToInt(Integer::intValue).sum();
  }

  private static KafkaProducer<String, String> producer(String bootstrapServers) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  /**
   * Per printed output topic, what its records must add up to: every word flow writes one record
   * per sample word (17), except the collector, whose per-batch counts add up to 17; the task
   * executor reports {@value #TASK_RESULTS} results. Not printed: the join's intermediate topic
   * (binary envelopes), {@code word}, the adapter's output and everyone's input, and {@code
   * word-window-count}, which publishes nothing before its windows close ({@link #closeWindows}).
   */
  private static Map<String, Long> expectedOutputs(List<Flow> flows) {
    long words = sampleTotal();
    Map<String, Long> expected = new LinkedHashMap<>();
    flows.stream()
        .flatMap(f -> f.outputs().stream())
        .map(Topic::name)
        .filter(
            topic ->
                !topic.equals(WordJoin.INTERMEDIATE)
                    && !topic.equals(WordRemap.WORD.name())
                    && !topic.equals(WordWindowCount.WORD_WINDOW_COUNT.name()))
        .forEach(
            topic ->
                expected.put(topic, topic.equals(TaskExamples.DONE.name()) ? TASK_RESULTS : words));
    return expected;
  }

  /**
   * Waits until the join applied the sample descriptions, so the demo's joined words show them: the
   * join applies its sources in arrival order, and a word merged before its description would print
   * {@value WordJoin#UNKNOWN}.
   */
  private static void awaitDescriptions(DataSource dataSource) {
    String sql = "SELECT count(*) FROM " + WordJoin.STATE.table();
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        if (rs.next() && rs.getLong(1) >= SAMPLE_TYPES.size()) {
          return;
        }
      } catch (SQLException e) {
        // the table appears with the join's first write
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  /** Waits until the table holds the final counts (or the deadline passed), then prints it. */
  private static void printTable(DataSource dataSource, PrintStream out) {
    Map<String, Long> expected = new LinkedHashMap<>();
    SAMPLE_WORDS.forEach((word, times) -> expected.put(word, (long) times));
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!MaterialisedRows.counts(dataSource).equals(Map.copyOf(expected))
        && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
    MaterialisedRows.print(dataSource, out);
  }
}
