package dev.flows.kafka.internal;

import dev.flows.Headers;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.Sink;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/** A {@link Sink} over one idempotent {@link KafkaProducer}, shared by every lane. */
public final class KafkaSink implements Sink {
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaProducer<byte[], byte[]> producer;
  private volatile Metric connectionCount;
  private KafkaClientMetrics clientMetrics;

  /** Wraps a producer configured with acks=all and idempotence. */
  public KafkaSink(KafkaProducer<byte[], byte[]> producer) {
    this.producer = producer;
  }

  @Override
  public void send(OutgoingRecord record, Ack ack) {
    ProducerRecord<byte[], byte[]> kafkaRecord =
        new ProducerRecord<>(
            record.topic(),
            null,
            record.timestamp(),
            record.key(),
            record.value(),
            headers(record.headers()));
    producer.send(kafkaRecord, (metadata, error) -> ack.completed(error));
  }

  private static List<Header> headers(Headers headers) {
    if (headers.isEmpty()) {
      return null;
    }
    List<Header> list = new ArrayList<>(headers.size());
    for (Headers.Header h : headers) {
      list.add(new RecordHeader(h.key(), h.value()));
    }
    return list;
  }

  @Override
  public void flush() {
    producer.flush();
  }

  @Override
  public boolean isRecordError(Exception error) {
    return isRecordErrorOf(error);
  }

  /** Whether {@code error} of a send concerns that record only, not the broker. */
  static boolean isRecordErrorOf(Exception error) {
    return error instanceof RecordTooLargeException
        || error instanceof RecordBatchTooLargeException
        || error instanceof InvalidRecordException
        || error instanceof SerializationException
        || error instanceof InvalidTopicException;
  }

  /**
   * Connected when the producer holds at least one open broker connection ({@code
   * connection-count}); an idempotent producer connects at once to fetch its producer id, and stays
   * connected by refreshing metadata more often than idle connections are closed.
   */
  @Override
  public boolean isConnected() {
    Metric metric = connectionCount;
    if (metric == null) {
      metric =
          producer.metrics().entrySet().stream()
              .filter(
                  e ->
                      e.getKey().name().equals("connection-count")
                          && e.getKey().group().equals("producer-metrics"))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElse(null);
      if (metric == null) {
        return true;
      }
      connectionCount = metric;
    }
    return metric.metricValue() instanceof Number count && count.doubleValue() > 0;
  }

  /** Binds the producer's metrics ({@code kafka.producer.*}) with Micrometer's Kafka binder. */
  @Override
  public synchronized void bindMetrics(MeterRegistry registry, Iterable<Tag> tags) {
    if (clientMetrics == null) {
      clientMetrics = new KafkaClientMetrics(producer, tags);
      clientMetrics.bindTo(registry);
    }
  }

  /** The producer, for the transactions of a {@link TransactionalKafkaSink}. */
  KafkaProducer<byte[], byte[]> producer() {
    return producer;
  }

  @Override
  public void close() {
    close(CLOSE_TIMEOUT);
  }

  /** Closes the producer, waiting at most {@code timeout} for records in flight. */
  void close(Duration timeout) {
    try {
      producer.close(timeout);
    } finally {
      synchronized (this) {
        if (clientMetrics != null) {
          // stops its refresh and removes its meters: a closed producer reports nothing
          clientMetrics.close();
        }
      }
    }
  }
}
