package dev.flows.examples;

import dev.flows.ErrorPolicy;
import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.FlowsException;
import dev.flows.Lineage;
import dev.flows.kafka.KafkaConnector;
import dev.flows.kafka.Redrive;
import dev.flows.kafka.RedriveReport;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.postgres.PostgresTableSink;
import dev.flows.runtime.FlowsConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The {@code make reset | listen | select | group-delete | redrive} commands against {@code
 * FLOWS_KAFKA_BOOTSTRAP_SERVERS} (e.g. the docker compose broker on localhost:9092) and {@code
 * FLOWS_POSTGRES_URL} (with {@code FLOWS_POSTGRES_USER} and {@code FLOWS_POSTGRES_PASSWORD}), and
 * {@code make lineage}, which needs neither.
 */
public final class Admin {
  private Admin() {}

  /**
   * {@code reset} (topics, tables and sample data), {@code listen [topic]} (default {@code
   * word-join}), {@code select} (prints {@code flows_materialised}), {@code group-delete} or {@code
   * redrive <flow> [--error-class X] [--since <ISO instant>] [--dry-run] [--max-redrives N]
   * [--dead-letter-topic T]} (see {@link Redrive}) or {@code lineage [--json]} (prints the {@link
   * Lineage} of every example as Mermaid, or as JSON).
   */
  public static void main(String[] args) throws Exception {
    FlowsConfig config = FlowsConfig.fromEnv();
    String servers = config.kafkaBootstrapServers().orElse("localhost:9092");
    String command = args.length == 0 ? "help" : args[0];
    switch (command) {
      case "reset" -> reset(servers, config);
      case "listen" -> listen(servers, args.length > 1 ? args[1] : WordJoin.WORD_JOIN.name());
      case "select" -> MaterialisedRows.print(dataSource(config), System.out);
      case "group-delete" -> deleteGroups(servers);
      case "redrive" -> redrive(servers, List.of(args).subList(1, args.length));
      case "lineage" -> System.out.print(lineage(List.of(args).subList(1, args.length)));
      default ->
          System.out.println(
              "usage: Admin reset | listen [topic] | select | group-delete | redrive <flow> [--error-class"
                  + " X] [--since <ISO instant>] [--dry-run] [--max-redrives N] [--dead-letter-topic T]"
                  + " | lineage [--json]");
    }
  }

  private static void reset(String servers, FlowsConfig config)
      throws InterruptedException, ExecutionException {
    try (org.apache.kafka.clients.admin.Admin admin = admin(servers)) {
      List<String> existing =
          admin.listTopics().names().get().stream().filter(Examples.topics()::contains).toList();
      admin.deleteTopics(existing).all().get();
    }
    KafkaConnector.create(servers).createTopics(Examples.topics(), Examples.PARTITIONS);
    if (config.postgresUrl().isPresent()) {
      recreateTables(dataSource(config));
    } else {
      System.out.println("FLOWS_POSTGRES_URL is not set: tables left as they are");
    }
    EmbeddedDemo.seed(servers);
    System.out.println(
        "recreated "
            + Examples.topics()
            + " and seeded "
            + EmbeddedDemo.SAMPLE_WORDS
            + " and "
            + EmbeddedDemo.SAMPLE_TYPES);
  }

  /** Drops the examples' state tables and materialised table, and creates them empty. */
  private static void recreateTables(DataSource dataSource) {
    List<String> tables =
        List.of(
            WordCount.COUNT.table(),
            WordWindowCount.COUNT.table(),
            WordJoin.STATE.table(),
            WordMaterialise.TABLE.name());
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "DROP TABLE IF EXISTS "
              + String.join(", ", tables.stream().map(t -> '"' + t + '"').toList()));
    } catch (SQLException e) {
      throw new FlowsException("cannot drop " + tables + ": " + e.getMessage(), e);
    }
    try (PostgresStateStore store = PostgresStateStore.create(dataSource);
        PostgresTableSink sink = PostgresTableSink.create(dataSource)) {
      store.table(WordCount.COUNT.table());
      store.table(WordWindowCount.COUNT.table());
      store.table(WordJoin.STATE.table());
      sink.prepare(WordMaterialise.TABLE);
    }
    System.out.println("recreated tables " + tables);
  }

  private static DataSource dataSource(FlowsConfig config) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(
        config
            .postgresUrl()
            .orElseThrow(
                () ->
                    FlowDefinitionException.of(
                        "FLOWS_POSTGRES_URL",
                        null,
                        "is missing",
                        "set it to the JDBC URL of the examples' database, e.g. jdbc:postgresql://localhost:5432/flows")));
    config.postgresUser().ifPresent(dataSource::setUser);
    config.postgresPassword().ifPresent(dataSource::setPassword);
    return dataSource;
  }

  private static void listen(String servers, String topic) {
    Properties props = new Properties();
    props.put("bootstrap.servers", servers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "flows-listen-" + ProcessHandle.current().pid());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<byte[], String> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      System.out.println("listening to " + topic + " (Ctrl-C to stop)");
      while (true) {
        consumer
            .poll(Duration.ofMillis(500))
            .forEach(
                r ->
                    System.out.printf(
                        "%s-%d@%d %s -> %s%n",
                        r.topic(),
                        r.partition(),
                        r.offset(),
                        Examples.keyText(r.topic(), r.key()),
                        r.value()));
      }
    }
  }

  private static void deleteGroups(String servers) throws InterruptedException {
    List<String> groups = Examples.all().stream().map(Flow::name).toList();
    try (org.apache.kafka.clients.admin.Admin admin = admin(servers)) {
      admin.deleteConsumerGroups(groups).all().get();
      System.out.println("deleted groups " + groups);
    } catch (ExecutionException e) {
      throw new FlowsException(
          "cannot delete groups " + groups + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** Re-drives the dead letters of the flow named by the first argument to its retry topic. */
  private static void redrive(String servers, List<String> args) {
    if (args.isEmpty() || args.get(0).startsWith("--")) {
      throw FlowDefinitionException.of(
          "flow", null, "is missing", "name the flow: make redrive FLOW=<flow name>");
    }
    String flow = args.get(0);
    String deadLetterTopic = flow + ErrorPolicy.DEAD_LETTER_SUFFIX;
    Redrive.Options options = Redrive.Options.defaults();
    for (int i = 1; i < args.size(); i++) {
      String flag = args.get(i);
      switch (flag) {
        case "--dry-run" -> options = options.withDryRun(true);
        case "--error-class" -> options = options.withErrorClass(value(args, ++i, flag));
        case "--since" -> options = options.withSince(Instant.parse(value(args, ++i, flag)));
        case "--max-redrives" ->
            options = options.withMaxRedrives(Integer.parseInt(value(args, ++i, flag)));
        case "--dead-letter-topic" -> deadLetterTopic = value(args, ++i, flag);
        default ->
            throw FlowDefinitionException.of(
                "redrive flag",
                flag,
                "is unknown",
                "use --error-class, --since, --dry-run, --max-redrives or --dead-letter-topic");
      }
    }
    RedriveReport report =
        Redrive.of(KafkaConnector.create(servers), flow, deadLetterTopic).run(options);
    System.out.println(report.text());
  }

  /** The examples' lineage as Mermaid, or as JSON with {@code --json}. */
  static String lineage(List<String> args) {
    Lineage lineage = Lineage.of(Examples.all());
    if (args.isEmpty()) {
      return lineage.toMermaid();
    }
    if (args.equals(List.of("--json"))) {
      return lineage.toJson();
    }
    throw FlowDefinitionException.of(
        "lineage arguments", String.join(" ", args), "are unknown", "use none, or --json");
  }

  private static String value(List<String> args, int i, String flag) {
    if (i >= args.size()) {
      throw FlowDefinitionException.of(flag, null, "needs a value", "e.g. " + flag + " <value>");
    }
    return args.get(i);
  }

  private static org.apache.kafka.clients.admin.Admin admin(String servers) {
    Properties props = new Properties();
    props.put("bootstrap.servers", servers);
    return org.apache.kafka.clients.admin.Admin.create(props);
  }
}
