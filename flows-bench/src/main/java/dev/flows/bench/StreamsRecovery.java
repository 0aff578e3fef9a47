package dev.flows.bench;

import dev.flows.kafka.KafkaConnector;
import dev.flows.testkit.RecoveryMarks;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.slf4j.LoggerFactory;

/**
 * {@code streams-recovery}: Kafka Streams' count (RocksDB, changelog) as a worker of the restart
 * scenario, printing {@link RecoveryMarks}: its JVM start, the input partitions its main consumer
 * owns after each change, and (as {@link Marks#first}, the hook of every contender) the first
 * record its count sees, before it is counted. Group membership as Flows' connector sets it: static
 * with {@code FLOWS_INSTANCE_ID}, session {@value KafkaConnector#DEFAULT_SESSION_TIMEOUT_MS} ms,
 * heartbeat {@value KafkaConnector#DEFAULT_HEARTBEAT_INTERVAL_MS} ms. The state directory is the
 * parameter {@code stateDir}: an empty one is a new container, which restores the store from its
 * changelog.
 */
final class StreamsRecovery {
  private StreamsRecovery() {}

  static void run(Params p) {
    RecoveryMarks.printStart();
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(p.get("in"), Consumed.with(Serdes.String(), Serdes.String()))
        .peek((k, v) -> Marks.first(v))
        .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
        .count(Materialized.with(Serdes.String(), Serdes.Long()))
        .toStream()
        .mapValues(count -> Long.toString(count))
        .to(p.get("out"), Produced.with(Serdes.String(), Serdes.String()));
    KafkaStreams streams = new KafkaStreams(builder.build(), properties(p), new MarkingClients());
    streams.setUncaughtExceptionHandler(
        e -> {
          LoggerFactory.getLogger(StreamsRecovery.class)
              .error("Kafka Streams failed; the worker exits", e);
          System.exit(3);
          return null;
        });
    streams.start();
    ChildMain.awaitKill();
  }

  private static Properties properties(Params p) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, p.get("name"));
    props.put(
        StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, System.getenv("FLOWS_KAFKA_BOOTSTRAP_SERVERS"));
    props.put(StreamsConfig.STATE_DIR_CONFIG, p.get("stateDir"));
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
        KafkaConnector.DEFAULT_SESSION_TIMEOUT_MS);
    props.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
        KafkaConnector.DEFAULT_HEARTBEAT_INTERVAL_MS);
    String instance = System.getenv("FLOWS_INSTANCE_ID");
    if (instance != null) {
      props.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instance);
    }
    return props;
  }

  /** Kafka Streams' own clients, but a main consumer that marks the partitions it owns. */
  private static final class MarkingClients implements KafkaClientSupplier {
    @Override
    public Admin getAdmin(Map<String, Object> config) {
      return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
      return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
      return new MarkingConsumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
      return plain(config);
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
      return plain(config);
    }

    private static Consumer<byte[], byte[]> plain(Map<String, Object> config) {
      return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
  }

  /** A main consumer that prints how many partitions it owns after each rebalance callback. */
  private static final class MarkingConsumer extends KafkaConsumer<byte[], byte[]> {
    private final Set<TopicPartition> owned = new HashSet<>();

    MarkingConsumer(Map<String, Object> config) {
      super(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
      super.subscribe(
          topics,
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              listener.onPartitionsAssigned(partitions);
              owned.addAll(partitions);
              RecoveryMarks.printOwned(owned.size());
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
              listener.onPartitionsRevoked(partitions);
              owned.removeAll(partitions);
              RecoveryMarks.printOwned(owned.size());
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
              listener.onPartitionsLost(partitions);
              owned.removeAll(partitions);
              RecoveryMarks.printOwned(owned.size());
            }
          });
    }
  }
}
