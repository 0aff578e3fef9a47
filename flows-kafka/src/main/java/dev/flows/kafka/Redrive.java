package dev.flows.kafka;

import dev.flows.DeadLetterHeaders;
import dev.flows.ErrorPolicy;
import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.FlowsException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Re-publishes a flow's dead letters to its retry topic {@code <flow>.retry}, which only that flow
 * reads ({@link ErrorPolicy#withRetryTopic()}), so flows sharing its source topics do not see them
 * again. A run reads the dead-letter topic from the offsets committed by the consumer group {@code
 * <flow>.redrive} (from the beginning the first time) up to its end offsets when the run started,
 * and commits those end offsets afterwards: a second run only takes dead letters written since,
 * whether the first one took them, skipped them or filtered them out. Each re-published record
 * keeps its key, value and headers, with {@link DeadLetterHeaders#REDRIVE_COUNT} incremented; one
 * whose count reached {@link Options#maxRedrives()} is skipped and reported, so nothing loops
 * forever. At-least-once: a run that fails between publishing and committing publishes its records
 * again when repeated. A dry run publishes and commits nothing.
 */
public final class Redrive {
  /** The suffix of the re-drive's consumer group: {@value}. */
  public static final String GROUP_SUFFIX = ".redrive";

  /** The default re-drive limit: {@value}. */
  public static final int DEFAULT_MAX_REDRIVES = 3;

  /** How long a run may take to read the dead-letter topic, in seconds: {@value}. */
  public static final int READ_TIMEOUT_S = 120;

  /**
   * What to re-drive.
   *
   * @param errorClass only dead letters whose {@code flows.error.class} is this, or {@code null}
   *     for all
   * @param since only dead letters whose record timestamp is at or after this, or {@code null}
   * @param dryRun report what would be done, publish and commit nothing
   * @param maxRedrives skip records re-driven this many times already, at least 1
   */
  public record Options(String errorClass, Instant since, boolean dryRun, int maxRedrives) {
    /** Validates the limit. */
    public Options {
      if (maxRedrives < 1) {
        throw FlowDefinitionException.of(
            "maxRedrives", maxRedrives, "must be at least 1", "use e.g. " + DEFAULT_MAX_REDRIVES);
      }
    }

    /** Every dead letter, for real, up to {@value #DEFAULT_MAX_REDRIVES} re-drives. */
    public static Options defaults() {
      return new Options(null, null, false, DEFAULT_MAX_REDRIVES);
    }

    /** A copy taking only dead letters of {@code type} (a class name). */
    public Options withErrorClass(String type) {
      return new Options(type, since, dryRun, maxRedrives);
    }

    /** A copy taking only dead letters with a timestamp at or after {@code instant}. */
    public Options withSince(Instant instant) {
      return new Options(errorClass, instant, dryRun, maxRedrives);
    }

    /** A copy that only reports. */
    public Options withDryRun(boolean dry) {
      return new Options(errorClass, since, dry, maxRedrives);
    }

    /** A copy with another re-drive limit. */
    public Options withMaxRedrives(int limit) {
      return new Options(errorClass, since, dryRun, limit);
    }
  }

  private final KafkaConnector connector;
  private final String flow;
  private final String deadLetterTopic;

  private Redrive(KafkaConnector connector, String flow, String deadLetterTopic) {
    this.connector = connector;
    this.flow = flow;
    this.deadLetterTopic = deadLetterTopic;
  }

  /**
   * The re-drive of {@code flow}'s dead letters.
   *
   * @throws FlowDefinitionException if the flow does not read a retry topic
   */
  public static Redrive of(KafkaConnector connector, Flow flow) {
    if (!flow.options().errorPolicy().retryTopic()) {
      throw FlowDefinitionException.of(
          "retryTopic",
          false,
          "is off for flow " + flow.name() + ", so its dead letters have nowhere to go",
          "use ErrorPolicy.withRetryTopic() in its options");
    }
    return of(connector, flow.name(), flow.deadLetterTopic());
  }

  /**
   * The re-drive of the flow named {@code flow} whose dead letters are in {@code deadLetterTopic},
   * for a flow not at hand (the flow's retry topic must exist when it runs).
   */
  public static Redrive of(KafkaConnector connector, String flow, String deadLetterTopic) {
    return new Redrive(connector, flow, deadLetterTopic);
  }

  /** The topic re-driven records go to: {@code <flow>.retry}. */
  public String retryTopic() {
    return flow + ErrorPolicy.RETRY_SUFFIX;
  }

  /**
   * Reads the dead letters written since the last run and re-publishes those {@code options}
   * select.
   *
   * @throws FlowsException if a topic is missing, or publishing or reading fails
   */
  public RedriveReport run(Options options) {
    int partitions = partitions(deadLetterTopic, "no dead letters were ever written");
    partitions(retryTopic(), "create it like the flow's inputs, and opt the flow in");
    try (KafkaConsumer<byte[], byte[]> consumer = consumer();
        KafkaProducer<byte[], byte[]> producer = options.dryRun() ? null : producer()) {
      List<TopicPartition> assigned =
          IntStream.range(0, partitions)
              .mapToObj(p -> new TopicPartition(deadLetterTopic, p))
              .toList();
      consumer.assign(assigned);
      Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
      startFromCommitted(consumer, assigned);
      RedriveRun run = new RedriveRun(options, retryTopic(), producer);
      readUpTo(consumer, end, run);
      run.awaitSent();
      if (!options.dryRun()) {
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        end.forEach((p, offset) -> done.put(p, new OffsetAndMetadata(offset)));
        consumer.commitSync(done);
      }
      return run.report(deadLetterTopic);
    }
  }

  private int partitions(String topic, String fix) {
    var shape = connector.describe(List.of(topic)).get(topic);
    if (shape == null) {
      throw new FlowsException("topic " + topic + " does not exist: " + fix);
    }
    return shape.partitions();
  }

  private static void startFromCommitted(
      KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> assigned) {
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(assigned));
    for (TopicPartition p : assigned) {
      OffsetAndMetadata offset = committed.get(p);
      if (offset == null) {
        consumer.seekToBeginning(List.of(p));
      } else {
        consumer.seek(p, offset.offset());
      }
    }
  }

  private static void readUpTo(
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end, RedriveRun run) {
    long deadline = System.nanoTime() + Duration.ofSeconds(READ_TIMEOUT_S).toNanos();
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      if (System.nanoTime() > deadline) {
        throw new FlowsException(
            "cannot read the dead letters up to " + end + " within " + READ_TIMEOUT_S + " s");
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
          run.take(r);
        }
      }
    }
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Map<String, Object> config = new HashMap<>(connector.properties());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, flow + GROUP_SUFFIX);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, flow + GROUP_SUFFIX);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        connector.producerConfig(flow + GROUP_SUFFIX),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }
}
