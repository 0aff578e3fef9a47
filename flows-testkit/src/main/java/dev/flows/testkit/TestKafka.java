package dev.flows.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real Kafka broker for a test, with the chores tests need: create topics, produce raw records,
 * read a topic from the start, sum end offsets. One broker serves the whole test JVM, so tests use
 * topic names of their own. Every call fails the test (an {@link AssertionError}) on a deadline.
 */
public final class TestKafka {
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private final String bootstrapServers;
  private final String origin;

  /** A test broker at {@code bootstrapServers}; {@code origin} says where it came from. */
  public TestKafka(String bootstrapServers, String origin) {
    this.bootstrapServers = bootstrapServers;
    this.origin = origin;
  }

  /** Where clients connect. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Where the broker came from: an env var, a container or embedded. */
  public String origin() {
    return origin;
  }

  /** Client properties for this broker, for tests that build their own clients. */
  public Properties clientProperties() {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    return props;
  }

  /**
   * Creates {@code topic} with {@code partitions} partitions (an existing topic is kept as it is)
   * and returns once every partition has a leader, so a producer's first sends are not refused.
   */
  public void createTopic(String topic, int partitions) {
    try (Admin admin = Admin.create(clientProperties())) {
      try {
        admin
            .createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
            .all()
            .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new AssertionError(
              "cannot create topic " + topic + ": " + e.getCause(), e.getCause());
        }
      }
      Awaits.until(
          ADMIN_TIMEOUT,
          "a leader for every partition of " + topic,
          () -> hasLeaders(admin, topic));
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("cannot create topic " + topic + " within " + ADMIN_TIMEOUT, e);
    }
  }

  private static boolean hasLeaders(Admin admin, String topic) {
    try {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .get(topic)
          .partitions()
          .stream()
          .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    } catch (ExecutionException | TimeoutException e) {
      return false; // metadata not there yet: ask again
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the leaders of " + topic, e);
    }
  }

  /**
   * Produces {@code {key, value}} byte pairs in order, with {@code acks=all}, and waits until the
   * broker acknowledged every one; fails the test if any send failed.
   */
  public void produce(String topic, List<byte[][]> keyValues) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(keyValues.size());
    for (byte[][] kv : keyValues) {
      records.add(new ProducerRecord<>(topic, kv[0], kv[1]));
    }
    produce(records);
  }

  /**
   * Produces {@code records} as given (topic, partition, timestamp) and in order, with {@code
   * acks=all}, and waits until the broker acknowledged every one; fails the test if any send
   * failed.
   */
  public void produce(List<ProducerRecord<byte[], byte[]>> records) {
    Properties props = clientProperties();
    props.put("acks", "all");
    props.put("linger.ms", "5");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<RecordMetadata>> sends = new ArrayList<>(records.size());
      for (ProducerRecord<byte[], byte[]> record : records) {
        sends.add(producer.send(record));
      }
      producer.flush();
      for (int i = 0; i < sends.size(); i++) {
        awaitSent(records.get(i).topic(), sends.get(i));
      }
    }
  }

  private static void awaitSent(String topic, Future<RecordMetadata> send) {
    try {
      send.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("a record for " + topic + " was not acknowledged: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while producing to " + topic, e);
    }
  }

  /** The sum over partitions of the end offsets of {@code topic}: how many records it ever held. */
  public long endOffsetsSum(String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      return consumer.endOffsets(partitions(consumer, topic), ADMIN_TIMEOUT).values().stream()
          .mapToLong(Long::longValue)
          .sum();
    }
  }

  /**
   * Reads {@code topic} from the beginning until it holds at least {@code atLeast} records and the
   * end of every partition was reached; fails if that does not happen within {@code timeout}.
   */
  public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int atLeast, Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    forEachRecord(topic, atLeast, timeout, records::add);
    return records;
  }

  /**
   * Hands every record of {@code topic}, from the beginning, to {@code action}, reading at least
   * {@code atLeast} and up to the end offsets; without keeping them, so it suits large topics.
   * Returns how many were read.
   */
  public long forEachRecord(
      String topic,
      long atLeast,
      Duration timeout,
      Consumer<ConsumerRecord<byte[], byte[]>> action) {
    return forEach(topic, atLeast, timeout, action, consumer());
  }

  /**
   * Like {@link #readAll}, as a {@code read_committed} reader: records of aborted or still open
   * transactions are left out, and the end is the last stable offset.
   */
  public List<ConsumerRecord<byte[], byte[]>> readCommitted(
      String topic, int atLeast, Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    forEachCommittedRecord(topic, atLeast, timeout, records::add);
    return records;
  }

  /**
   * Like {@link #forEachRecord}, as a {@code read_committed} reader (see {@link #readCommitted}).
   */
  public long forEachCommittedRecord(
      String topic,
      long atLeast,
      Duration timeout,
      Consumer<ConsumerRecord<byte[], byte[]>> action) {
    Properties props = clientProperties();
    props.put("enable.auto.commit", "false");
    props.put("isolation.level", "read_committed");
    return forEach(
        topic,
        atLeast,
        timeout,
        action,
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
  }

  private long forEach(
      String topic,
      long atLeast,
      Duration timeout,
      Consumer<ConsumerRecord<byte[], byte[]>> action,
      KafkaConsumer<byte[], byte[]> reader) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long read = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = reader) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (read < atLeast || !atEnd(consumer, partitions)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "read "
                  + read
                  + " records of "
                  + topic
                  + " within "
                  + timeout
                  + ", expected at least "
                  + atLeast);
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          action.accept(record);
          read++;
        }
      }
    }
    return read;
  }

  /**
   * The committed offsets of consumer group {@code group}, by partition number, for {@code topic}.
   */
  public Map<Integer, Long> committedOffsets(String group, String topic) {
    try (Admin admin = Admin.create(clientProperties())) {
      Map<Integer, Long> result = new HashMap<>();
      admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .forEach(
              (tp, offset) -> {
                if (tp.topic().equals(topic) && offset != null) {
                  result.put(tp.partition(), offset.offset());
                }
              });
      return result;
    } catch (ExecutionException | InterruptedException | TimeoutException e) {
      throw new AssertionError("cannot read the offsets of group " + group + ": " + e, e);
    }
  }

  /**
   * Produces {@code {key, value}} pairs to {@code topic} in one transaction and commits it, or
   * aborts it when {@code commit} is false (its records stay in the log, marked aborted).
   */
  public void produceInTransaction(String topic, List<byte[][]> keyValues, boolean commit) {
    Properties props = clientProperties();
    props.put("transactional.id", "testkit-" + topic + "-" + System.nanoTime());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      List<Future<RecordMetadata>> sends = new ArrayList<>(keyValues.size());
      for (byte[][] kv : keyValues) {
        sends.add(producer.send(new ProducerRecord<>(topic, kv[0], kv[1])));
      }
      producer.flush();
      for (Future<RecordMetadata> send : sends) {
        awaitSent(topic, send);
      }
      if (commit) {
        producer.commitTransaction();
      } else {
        producer.abortTransaction();
      }
    }
  }

  /** Grows {@code topic} to {@code partitions} partitions, waiting for a leader of each. */
  public void addPartitions(String topic, int partitions) {
    try (Admin admin = Admin.create(clientProperties())) {
      admin
          .createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions)))
          .all()
          .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Awaits.until(
          ADMIN_TIMEOUT,
          partitions + " partitions with leaders in " + topic,
          () -> hasLeaders(admin, topic) && partitionCount(admin, topic) == partitions);
    } catch (ExecutionException | InterruptedException | TimeoutException e) {
      throw new AssertionError(
          "cannot grow " + topic + " to " + partitions + " partitions: " + e, e);
    }
  }

  /**
   * Deletes the records of partition 0 of {@code topic} below {@code offset}, as retention would.
   */
  public void deleteRecordsBefore(String topic, long offset) {
    try (Admin admin = Admin.create(clientProperties())) {
      admin
          .deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(offset)))
          .all()
          .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | InterruptedException | TimeoutException e) {
      throw new AssertionError(
          "cannot delete records of " + topic + " before " + offset + ": " + e, e);
    }
  }

  /** Deletes {@code topic} and returns once the broker no longer lists it. */
  public void deleteTopic(String topic) {
    try (Admin admin = Admin.create(clientProperties())) {
      admin.deleteTopics(List.of(topic)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Awaits.until(ADMIN_TIMEOUT, topic + " to be gone", () -> !listed(admin, topic));
    } catch (ExecutionException | InterruptedException | TimeoutException e) {
      throw new AssertionError("cannot delete topic " + topic + ": " + e, e);
    }
  }

  private static int partitionCount(Admin admin, String topic) {
    try {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .get(topic)
          .partitions()
          .size();
    } catch (ExecutionException | TimeoutException e) {
      return -1; // metadata not there yet: ask again
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while describing " + topic, e);
    }
  }

  private static boolean listed(Admin admin, String topic) {
    try {
      return admin
          .listTopics()
          .names()
          .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .contains(topic);
    } catch (ExecutionException | TimeoutException e) {
      return true; // cannot tell yet: ask again
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while listing topics", e);
    }
  }

  /** Deletes consumer groups (they must be empty), so flows restart from the earliest offset. */
  public void deleteGroups(Collection<String> groups) {
    try (Admin admin = Admin.create(clientProperties())) {
      admin.deleteConsumerGroups(groups).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | InterruptedException | TimeoutException e) {
      throw new AssertionError("cannot delete groups " + groups + ": " + e, e);
    }
  }

  private boolean atEnd(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, ADMIN_TIMEOUT);
    return partitions.stream().allMatch(tp -> consumer.position(tp, ADMIN_TIMEOUT) >= ends.get(tp));
  }

  private static List<TopicPartition> partitions(
      KafkaConsumer<byte[], byte[]> consumer, String topic) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, ADMIN_TIMEOUT).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    if (partitions.isEmpty()) {
      throw new AssertionError("topic " + topic + " does not exist");
    }
    return partitions;
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Properties props = clientProperties();
    props.put("enable.auto.commit", "false");
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public String toString() {
    return "Kafka at " + bootstrapServers + " (" + origin + ")";
  }
}
