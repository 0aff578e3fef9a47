package dev.flows.kafka;

import dev.flows.FlowDefinitionException;
import dev.flows.FlowsException;
import dev.flows.kafka.internal.KafkaSink;
import dev.flows.kafka.internal.KafkaSource;
import dev.flows.kafka.internal.TransactionalKafkaSink;
import dev.flows.runtime.FlowsConfig;
import dev.flows.spi.Connector;
import dev.flows.spi.Sink;
import dev.flows.spi.Source;
import dev.flows.spi.TopicShape;
import dev.flows.spi.TransactionalSink;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Connects flows to Kafka. Consumers never auto-commit (the runtime commits after outputs are
 * acknowledged), read only committed records ({@code isolation.level=read_committed}: records of
 * aborted transactions are never applied), start from the earliest offset of a new group and, on
 * the classic group protocol (the default), use cooperative-sticky assignment, a session timeout of
 * {@value #DEFAULT_SESSION_TIMEOUT_MS} ms and heartbeats every {@value
 * #DEFAULT_HEARTBEAT_INTERVAL_MS} ms; the producer is idempotent with {@code acks=all}. A position
 * that is gone (records deleted by retention before they were read, or a recreated topic) moves to
 * the earliest record left, counted in {@code flows.records.unread}, and the flow checks its topics
 * again before going on (unless {@code auto.offset.reset} is set, which then decides alone). Extra
 * client properties (TLS, SASL, tuning) pass through unchanged and win over these defaults, except
 * the ones the guarantees need. Consumers are dynamic group members unless {@linkplain
 * #withInstanceId(String) given an instance id}. Immutable.
 */
public final class KafkaConnector implements Connector {
  /** Records per poll: {@value}. */
  public static final int DEFAULT_MAX_POLL_RECORDS = 2_000;

  /** How long a topic description may take, in milliseconds: {@value}. */
  public static final int DESCRIBE_TIMEOUT_MS = 10_000;

  /** Producer linger in milliseconds: {@value}. */
  public static final int DEFAULT_LINGER_MS = 5;

  /**
   * Consumer session timeout in milliseconds on the classic group protocol: {@value}. How long a
   * member that stopped heartbeating (killed, frozen, cut off) keeps its partitions, and so how
   * long a replacement with a new identity waits for them. Kafka's own default is 45 s; the classic
   * consumer heartbeats on its own thread, so a slow batch does not count against it, only a
   * stopped process or a network cut does. Set {@code session.timeout.ms} ({@code
   * FLOWS_KAFKA_SESSION_TIMEOUT_MS}) to change it.
   */
  public static final int DEFAULT_SESSION_TIMEOUT_MS = 10_000;

  /**
   * Consumer heartbeat interval in milliseconds on the classic group protocol: {@value} (Kafka's is
   * 3 s). A member learns from its next heartbeat that the group is rebalancing, so this bounds how
   * long a survivor waits before it takes over the partitions of a member that left: about 1 s
   * instead of up to 3 s. Set {@code heartbeat.interval.ms} ({@code
   * FLOWS_KAFKA_HEARTBEAT_INTERVAL_MS}) to change it.
   */
  public static final int DEFAULT_HEARTBEAT_INTERVAL_MS = 1_000;

  /**
   * The longest {@linkplain #withInstanceId(String) instance id}: {@value}, so that {@code <flow
   * name>-<id>} stays within the 249 characters Kafka allows a group instance id.
   */
  public static final int MAX_INSTANCE_ID_LENGTH = 200;

  /**
   * Transaction timeout in milliseconds of exactly-once flows: {@value}, as Kafka Streams'. How
   * long a crashed dynamic member's open transaction holds back {@code read_committed} readers of
   * its outputs (and its partitions' next owner), and so also the longest a batch may take. Set
   * {@code transaction.timeout.ms} ({@code FLOWS_KAFKA_TRANSACTION_TIMEOUT_MS}) to change it.
   */
  public static final int DEFAULT_TRANSACTION_TIMEOUT_MS = 10_000;

  private final Map<String, Object> properties;
  private final GroupMembership membership;
  private final String processId;

  private KafkaConnector(
      Map<String, Object> properties, GroupMembership membership, String processId) {
    this.properties = Map.copyOf(properties);
    this.membership = membership;
    this.processId = processId;
  }

  /** A connector to {@code bootstrapServers}. */
  public static KafkaConnector create(String bootstrapServers) {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw FlowDefinitionException.of(
          "bootstrap.servers",
          bootstrapServers,
          "is missing",
          "set FLOWS_KAFKA_BOOTSTRAP_SERVERS, e.g. localhost:9092");
    }
    return new KafkaConnector(
        Map.of("bootstrap.servers", bootstrapServers),
        GroupMembership.DYNAMIC,
        UUID.randomUUID().toString());
  }

  /**
   * A connector from {@code FLOWS_KAFKA_*} settings, with static membership if {@code
   * FLOWS_INSTANCE_ID} is set and leaving the group on stop if {@code FLOWS_LEAVE_GROUP_ON_STOP} is
   * (see {@link FlowsConfig}).
   *
   * @throws FlowDefinitionException if the brokers are missing or {@code FLOWS_INSTANCE_ID} is not
   *     a valid id
   */
  public static KafkaConnector create(FlowsConfig config) {
    KafkaConnector connector = create(config.kafkaBootstrapServers().orElse(null));
    for (Map.Entry<String, String> e : config.kafkaProperties().entrySet()) {
      connector = connector.withProperty(e.getKey(), e.getValue());
    }
    GroupMembership membership =
        GroupMembership.DYNAMIC.withLeaveGroupOnStop(config.leaveGroupOnStop());
    if (config.instanceId().isPresent()) {
      membership = membership.withInstanceId("FLOWS_INSTANCE_ID", config.instanceId().get());
    }
    return new KafkaConnector(connector.properties, membership, connector.processId);
  }

  /** A copy with one more client property for consumers, producers and admin clients. */
  public KafkaConnector withProperty(String name, Object value) {
    Map<String, Object> copy = new HashMap<>(properties);
    copy.put(name, value);
    return new KafkaConnector(copy, membership, processId);
  }

  /**
   * A copy whose consumers are static group members (KIP-345, classic group protocol): each flow's
   * consumer joins as {@code group.instance.id = <flow name>-<instanceId>}, so a process restarted
   * with the same id (a container restarted in its pod, a StatefulSet pod) takes its partitions
   * back at once, without waiting for its old session to time out. Every process running the same
   * flow needs its own id; {@code FLOWS_INSTANCE_ID} sets it from the environment. It replaces a
   * {@code group.instance.id} property. On {@code group.protocol=consumer} (KIP-848) the broker
   * refuses a restarted member until the old one's session expires, and the flow stops; see
   * docs/operations.md.
   *
   * @param instanceId 1 to {@value #MAX_INSTANCE_ID_LENGTH} letters, digits, '.', '_' or '-', e.g.
   *     the pod name
   * @throws FlowDefinitionException if {@code instanceId} is not such an id
   */
  public KafkaConnector withInstanceId(String instanceId) {
    return new KafkaConnector(
        properties, membership.withInstanceId("instanceId", instanceId), processId);
  }

  /**
   * A copy whose consumers leave their groups when the runtime stops, static ones too, so their
   * partitions move at once: for processes that do not come back after a stop (a scale-down, a pod
   * whose name is never reused). By default a static member stays in its groups through a stop, and
   * its partitions wait for it until its session times out; a dynamic member always leaves. {@code
   * FLOWS_LEAVE_GROUP_ON_STOP=true} sets it from the environment.
   */
  public KafkaConnector withLeaveGroupOnStop(boolean leave) {
    return new KafkaConnector(properties, membership.withLeaveGroupOnStop(leave), processId);
  }

  @Override
  public Source source(String group, String clientId) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"); // KafkaSource resets: earliest
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, DEFAULT_MAX_POLL_RECORDS);
    config.putAll(GroupMembership.protocolDefaults(properties));
    config.putAll(properties);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    membership
        .groupInstanceId(group)
        .ifPresent(id -> config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaSource(
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
        !properties.containsKey(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG),
        membership.onClose());
  }

  @Override
  public Sink sink(String clientId) {
    return new KafkaSink(
        new KafkaProducer<>(
            producerConfig(clientId), new ByteArraySerializer(), new ByteArraySerializer()));
  }

  /** The client properties given to this connector (for {@link Redrive}'s own clients). */
  Map<String, Object> properties() {
    return properties;
  }

  /** The settings of this connector's idempotent producers. */
  Map<String, Object> producerConfig(String clientId) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    config.putAll(properties);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return config;
  }

  /**
   * A transactional sink for the exactly-once flow {@code flow}: {@code transactional.id} is {@code
   * <flow>-<instance id>} for a static member (so a restarted process fences its predecessor and
   * aborts its open transaction at once), else {@code <flow>-<a random id of this connector>} (a
   * crashed process's open transaction then lasts until it times out). The transaction timeout is
   * {@value #DEFAULT_TRANSACTION_TIMEOUT_MS} ms unless {@code transaction.timeout.ms} is set.
   */
  @Override
  public TransactionalSink transactionalSink(String flow) {
    String transactionalId = membership.groupInstanceId(flow).orElse(flow + "-" + processId);
    Map<String, Object> config = producerConfig(flow + "-tx");
    config.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, DEFAULT_TRANSACTION_TIMEOUT_MS);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    return new TransactionalKafkaSink(
        transactionalId,
        () -> new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer()),
        (int)
            Math.min(
                bytes(config, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_576),
                bytes(config, ProducerConfig.BUFFER_MEMORY_CONFIG, 33_554_432L)));
  }

  /** A size setting of {@code config}, or {@code otherwise} if unset. */
  private static long bytes(Map<String, Object> config, String name, long otherwise) {
    Object value = config.get(name);
    if (value == null) {
      return otherwise;
    }
    try {
      return Long.parseLong(value.toString().trim());
    } catch (NumberFormatException e) {
      throw FlowDefinitionException.of(name, value, "is not a number of bytes", "use e.g. 1048576");
    }
  }

  /**
   * The id and partition count of each of {@code topics} that exists, from one short-lived admin
   * client (called at assignments, not per batch).
   *
   * @throws FlowsException if the broker does not answer within {@value #DESCRIBE_TIMEOUT_MS} ms
   */
  @Override
  public Map<String, TopicShape> describe(Collection<String> topics) {
    Map<String, TopicShape> shapes = new HashMap<>();
    try (Admin admin = Admin.create(properties)) {
      admin
          .describeTopics(topics, new DescribeTopicsOptions().timeoutMs(DESCRIBE_TIMEOUT_MS))
          .topicNameValues()
          .forEach(
              (name, future) -> {
                TopicDescription description = described(name, future);
                if (description != null) {
                  shapes.put(
                      name,
                      TopicShape.of(
                          name, description.topicId().toString(), description.partitions().size()));
                }
              });
    }
    return shapes;
  }

  /**
   * The group's committed offsets on {@code topic}'s partitions, from one short-lived admin client
   * (called by the background purge of deleted markers, not per batch). Offsets of a transaction
   * still open are not counted (nor waited for): what is returned is at or below what the group
   * will read next.
   *
   * @throws FlowsException if the broker does not answer within {@value #DESCRIBE_TIMEOUT_MS} ms
   */
  @Override
  public Map<Integer, Long> committedOffsets(String group, String topic) {
    Map<Integer, Long> offsets = new HashMap<>();
    committed(group, topic)
        .forEach((partition, committed) -> offsets.put(partition, committed.offset()));
    return offsets;
  }

  /**
   * The metadata the group committed with its offsets on {@code topic}'s partitions, as {@link
   * #committedOffsets} reads them; empty metadata counts as none.
   */
  @Override
  public Map<Integer, String> committedMetadata(String group, String topic) {
    Map<Integer, String> metadata = new HashMap<>();
    committed(group, topic)
        .forEach(
            (partition, committed) -> {
              if (committed.metadata() != null && !committed.metadata().isEmpty()) {
                metadata.put(partition, committed.metadata());
              }
            });
    return metadata;
  }

  private Map<Integer, OffsetAndMetadata> committed(String group, String topic) {
    Map<Integer, OffsetAndMetadata> offsets = new HashMap<>();
    try (Admin admin = Admin.create(properties)) {
      admin
          .listConsumerGroupOffsets(
              group, new ListConsumerGroupOffsetsOptions().timeoutMs(DESCRIBE_TIMEOUT_MS))
          .partitionsToOffsetAndMetadata()
          .get()
          .forEach(
              (partition, committed) -> {
                if (committed != null && partition.topic().equals(topic)) {
                  offsets.put(partition.partition(), committed);
                }
              });
    } catch (ExecutionException e) {
      throw new FlowsException(
          "cannot read the committed offsets of group " + group + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FlowsException("interrupted while reading the offsets of group " + group, e);
    }
    return offsets;
  }

  /** The description, or {@code null} for a topic that does not exist. */
  private static TopicDescription described(String name, KafkaFuture<TopicDescription> future) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return null;
      }
      throw new FlowsException(
          "cannot describe topic " + name + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FlowsException("interrupted while describing topic " + name, e);
    }
  }

  /**
   * Creates the topics that do not exist yet, with {@code partitions} partitions and replication 1
   * or the broker default.
   */
  public void createTopics(Collection<String> topics, int partitions) {
    try (Admin admin = Admin.create(properties)) {
      List<NewTopic> wanted =
          topics.stream()
              .map(t -> new NewTopic(t, Optional.of(partitions), Optional.empty()))
              .toList();
      admin.createTopics(wanted).values().forEach((name, future) -> awaitCreated(name, future));
    }
  }

  private static void awaitCreated(String name, KafkaFuture<Void> future) {
    try {
      future.get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new FlowsException(
            "cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FlowsException("interrupted while creating topic " + name, e);
    }
  }
}
