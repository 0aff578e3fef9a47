package dev.flows.kafka.internal;

import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.spi.PartitionListener;
import dev.flows.spi.Source;
import dev.flows.spi.SourceGeneration;
import dev.flows.spi.SourcePartition;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/** A {@link Source} over one {@link KafkaConsumer}, used only by the flow's polling thread. */
public final class KafkaSource implements Source {
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration COMMITTED_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final boolean resetsItself;
  private final GroupMembershipOperation onClose;
  private PartitionListener listener;
  private Metric connectionCount;
  private KafkaClientMetrics clientMetrics;

  /**
   * Wraps a consumer configured without auto-commit. With {@code resetsItself}, the consumer runs
   * with {@code auto.offset.reset=none} and this source moves it: a partition without a committed
   * offset starts at the earliest record, and one whose position is gone (records deleted, topic
   * recreated) too, after telling the listener ({@link PartitionListener#onPositionLost}). {@code
   * onClose} says whether closing it leaves the group ({@code DEFAULT}: a dynamic member leaves, a
   * static one stays).
   */
  public KafkaSource(
      KafkaConsumer<byte[], byte[]> consumer,
      boolean resetsItself,
      GroupMembershipOperation onClose) {
    this.consumer = consumer;
    this.resetsItself = resetsItself;
    this.onClose = onClose;
  }

  @Override
  public void subscribe(Collection<String> topics, PartitionListener listener) {
    this.listener = listener;
    consumer.subscribe(
        topics,
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
              listener.onRevoked(toSource(partitions));
            }
          }

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            listener.onAssigned(toSource(partitions));
          }

          @Override
          public void onPartitionsLost(Collection<TopicPartition> partitions) {
            listener.onLost(toSource(partitions));
          }
        });
  }

  @Override
  public List<Message<byte[], byte[]>> poll(Duration timeout) {
    ConsumerRecords<byte[], byte[]> records;
    try {
      records = consumer.poll(timeout);
    } catch (NoOffsetForPartitionException e) {
      if (!resetsItself) {
        throw e;
      }
      consumer.seekToBeginning(e.partitions()); // a new group starts at the earliest record
      return List.of();
    } catch (OffsetOutOfRangeException e) {
      if (!resetsItself) {
        throw e;
      }
      positionLost(e.offsetOutOfRangePartitions());
      return List.of();
    }
    if (records.isEmpty()) {
      return List.of();
    }
    List<Message<byte[], byte[]>> messages = new ArrayList<>(records.count());
    for (ConsumerRecord<byte[], byte[]> r : records) {
      messages.add(
          new Message<>(
              r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), headers(r)));
    }
    return messages;
  }

  /** Moves to the earliest record left and tells the listener how many records were never read. */
  private void positionLost(Map<TopicPartition, Long> positions) {
    Map<TopicPartition, Long> earliest = consumer.beginningOffsets(positions.keySet());
    Map<SourcePartition, Long> unread = new HashMap<>();
    positions.forEach(
        (tp, position) ->
            unread.put(
                new SourcePartition(tp.topic(), tp.partition()),
                Math.max(0, earliest.getOrDefault(tp, position) - position)));
    consumer.seekToBeginning(positions.keySet());
    listener.onPositionLost(unread);
  }

  private static Headers headers(ConsumerRecord<byte[], byte[]> record) {
    Header[] raw = record.headers().toArray();
    if (raw.length == 0) {
      return Headers.empty();
    }
    List<Headers.Header> list = new ArrayList<>(raw.length);
    for (Header h : raw) {
      list.add(new Headers.Header(h.key(), h.value()));
    }
    return Headers.of(list);
  }

  @Override
  public void pause(Collection<SourcePartition> partitions) {
    consumer.pause(toKafka(partitions));
  }

  @Override
  public void resume(Collection<SourcePartition> partitions) {
    consumer.resume(toKafka(partitions));
  }

  @Override
  public void seek(SourcePartition partition, long offset) {
    consumer.seek(new TopicPartition(partition.topic(), partition.partition()), offset);
  }

  @Override
  public void commit(Map<SourcePartition, Long> nextOffsets) {
    commit(nextOffsets, Map.of());
  }

  @Override
  public void commit(
      Map<SourcePartition, Long> nextOffsets, Map<SourcePartition, String> metadata) {
    consumer.commitSync(KafkaOffsets.of(nextOffsets, metadata));
  }

  @Override
  public Map<SourcePartition, String> committedMetadata(Collection<SourcePartition> partitions) {
    Map<SourcePartition, String> metadata = new HashMap<>();
    consumer
        .committed(new HashSet<>(toKafka(partitions)), COMMITTED_TIMEOUT)
        .forEach(
            (tp, committed) -> {
              if (committed != null && !committed.metadata().isEmpty()) {
                metadata.put(new SourcePartition(tp.topic(), tp.partition()), committed.metadata());
              }
            });
    return metadata;
  }

  @Override
  public Map<SourcePartition, Long> committed(Collection<SourcePartition> partitions) {
    Map<SourcePartition, Long> offsets = new HashMap<>();
    consumer
        .committed(new HashSet<>(toKafka(partitions)), COMMITTED_TIMEOUT)
        .forEach(
            (tp, committed) -> {
              if (committed != null) {
                offsets.put(new SourcePartition(tp.topic(), tp.partition()), committed.offset());
              }
            });
    return offsets;
  }

  @Override
  public SourceGeneration generation() {
    return new KafkaGeneration(consumer.groupMetadata());
  }

  @Override
  public Set<SourcePartition> assignment() {
    return new HashSet<>(toSource(consumer.assignment()));
  }

  /**
   * Connected when the consumer holds at least one open broker connection ({@code
   * connection-count}).
   */
  @Override
  public boolean isConnected() {
    if (connectionCount == null) {
      connectionCount =
          consumer.metrics().entrySet().stream()
              .filter(
                  e ->
                      e.getKey().name().equals("connection-count")
                          && e.getKey().group().equals("consumer-metrics"))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElse(null);
      if (connectionCount == null) {
        return true;
      }
    }
    return connectionCount.metricValue() instanceof Number count && count.doubleValue() > 0;
  }

  /** Binds the consumer's metrics ({@code kafka.consumer.*}) with Micrometer's Kafka binder. */
  @Override
  public void bindMetrics(MeterRegistry registry, Iterable<Tag> tags) {
    if (clientMetrics == null) {
      clientMetrics = new KafkaClientMetrics(consumer, tags);
      clientMetrics.bindTo(registry);
    }
  }

  @Override
  public Map<SourcePartition, Long> lag() {
    Map<SourcePartition, Long> lag = new HashMap<>();
    for (TopicPartition tp : consumer.assignment()) {
      OptionalLong value = consumer.currentLag(tp);
      if (value.isPresent()) {
        lag.put(new SourcePartition(tp.topic(), tp.partition()), value.getAsLong());
      }
    }
    return lag;
  }

  @Override
  public void close() {
    try {
      consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT).withGroupMembershipOperation(onClose));
    } finally {
      if (clientMetrics != null) {
        clientMetrics
            .close(); // stops its refresh and removes its meters: a closed consumer reports nothing
      }
    }
  }

  private static List<SourcePartition> toSource(Collection<TopicPartition> partitions) {
    return partitions.stream().map(tp -> new SourcePartition(tp.topic(), tp.partition())).toList();
  }

  private static List<TopicPartition> toKafka(Collection<SourcePartition> partitions) {
    return partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
  }
}
