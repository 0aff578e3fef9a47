package dev.flows.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** What the parent does on the broker: create topics, load inputs, and watch progress. */
final class KafkaOps implements AutoCloseable {
  /** Size of every input value in bytes: {@value}. */
  static final int VALUE_BYTES = 100;

  private final String bootstrap;
  private final Admin admin;
  private final KafkaConsumer<byte[], byte[]> watcher;

  KafkaOps(String bootstrap) {
    this.bootstrap = bootstrap;
    this.admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
    this.watcher =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", bootstrap),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
  }

  String bootstrap() {
    return bootstrap;
  }

  /**
   * Creates a topic and waits until every partition has a leader: a produce racing the leader
   * election of a fresh topic can make the idempotent producer fail with out-of-order sequences.
   */
  void createTopic(String name, int partitions) {
    try {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
      long deadline = System.currentTimeMillis() + 30_000;
      while (!hasLeaders(name)) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException(
              "topic " + name + " has partitions without a leader after 30 s");
        }
        Thread.sleep(20);
      }
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("cannot create topic " + name, e);
    }
  }

  /**
   * Whether every partition of a topic has a leader; false while the broker does not know the new
   * topic yet (its metadata lags the creation).
   */
  private boolean hasLeaders(String name) throws InterruptedException, ExecutionException {
    try {
      return admin
          .describeTopics(List.of(name))
          .allTopicNames()
          .get()
          .get(name)
          .partitions()
          .stream()
          .allMatch(p -> p.leader() != null);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Appends {@code count} records with keys {@code k<i % keys>} and 100-byte values, acks=all, and
   * checks that the topic grew by {@code count}.
   */
  void load(String topic, int count, int keys) {
    load(topic, count, i -> new ProducerRecord<>(topic, bytes("k" + (i % keys)), value(i)));
  }

  /**
   * Appends {@code count} records keyed by {@link WordEvents#word}, at {@link
   * WordEvents#timestamp}, with 100-byte values; checks as {@link #load(String, int, int)}.
   */
  void load(String topic, int count, WordEvents events) {
    load(
        topic,
        count,
        i ->
            new ProducerRecord<>(
                topic, null, events.timestamp(i), bytes(events.word(i)), value(i)));
  }

  /**
   * Appends {@code count} records keyed by {@link SessionEvents#word}, at {@link
   * SessionEvents#timestamp}, with 100-byte values; checks as {@link #load(String, int, int)}.
   */
  void load(String topic, int count, SessionEvents events) {
    load(
        topic,
        count,
        i ->
            new ProducerRecord<>(
                topic, null, events.timestamp(i), bytes(events.word(i)), value(i)));
  }

  private void load(String topic, int count, IntFunction<ProducerRecord<byte[], byte[]>> record) {
    long before = endOffsetsSum(topic);
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.LINGER_MS_CONFIG,
            20,
            ProducerConfig.BATCH_SIZE_CONFIG,
            256 * 1024,
            ProducerConfig.COMPRESSION_TYPE_CONFIG,
            "none");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      AtomicReference<Exception> failure = new AtomicReference<>();
      for (int i = 0; i < count && failure.get() == null; i++) {
        producer.send(
            record.apply(i),
            (metadata, error) -> {
              if (error != null) {
                failure.compareAndSet(null, error);
              }
            });
      }
      producer.flush();
      if (failure.get() != null) {
        throw new IllegalStateException(
            "cannot load " + topic + ": " + failure.get().getMessage(), failure.get());
      }
    }
    long loaded = endOffsetsSum(topic) - before;
    if (loaded != count) {
      throw new IllegalStateException(
          "loaded " + loaded + " records into " + topic + " instead of " + count);
    }
  }

  /**
   * Reads a topic once from start to end, so the broker's fetch path and page cache are warm for
   * the first contender.
   */
  void readThrough(String topic) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            5_000);
    try (KafkaConsumer<byte[], byte[]> reader =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = partitions(topic);
      reader.assign(partitions);
      reader.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> reader.position(tp) < ends.get(tp))) {
        reader.poll(Duration.ofMillis(200));
      }
    }
  }

  /** How many records the topic holds: the sum of its end offsets (acknowledged writes). */
  long endOffsetsSum(String topic) {
    return watcher.endOffsets(partitions(topic)).values().stream().mapToLong(Long::longValue).sum();
  }

  /** The sum of the offsets {@code group} committed (records fully processed). */
  long committedSum(String group) {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      return offsets.values().stream()
          .filter(o -> o != null)
          .mapToLong(OffsetAndMetadata::offset)
          .sum();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("cannot read the offsets of group " + group, e);
    }
  }

  private List<TopicPartition> partitions(String topic) {
    return watcher.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .toList();
  }

  static byte[] value(int i) {
    StringBuilder text = new StringBuilder(VALUE_BYTES).append("value-").append(i).append('-');
    while (text.length() < VALUE_BYTES) {
      text.append((char) ('a' + text.length() % 26));
    }
    return bytes(text.toString());
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    watcher.close();
    admin.close();
  }
}
