package dev.flows.kafka.internal;

import dev.flows.FlowsException;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.SourceGeneration;
import dev.flows.spi.SourcePartition;
import dev.flows.spi.TransactionalSink;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TransactionalSink} over one transactional {@link KafkaProducer} of a fixed {@code
 * transactional.id}, opened (and its id's older producer fenced, its open transaction aborted) at
 * the first {@link #begin()}. A producer that fails so it can no longer abort (fenced, timed out,
 * in a fatal state) is closed and replaced under the same id at the next {@link #begin()}: the new
 * one's {@code initTransactions} settles what the old one left open.
 */
public final class TransactionalKafkaSink implements TransactionalSink {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionalKafkaSink.class);

  private final String transactionalId;
  private final Supplier<KafkaProducer<byte[], byte[]>> open;
  private final int maxRecordBytes;
  private volatile KafkaSink current;
  private volatile boolean spoiled;
  private boolean inTransaction;
  private MeterRegistry registry;
  private Iterable<Tag> tags;

  /**
   * A sink whose producers {@code open} creates, configured with {@code transactionalId}; a record
   * above {@code maxRecordBytes} (the producer's {@code max.request.size}) is refused before it
   * reaches the producer, so it does not spoil the transaction.
   */
  public TransactionalKafkaSink(
      String transactionalId, Supplier<KafkaProducer<byte[], byte[]>> open, int maxRecordBytes) {
    this.transactionalId = transactionalId;
    this.open = open;
    this.maxRecordBytes = maxRecordBytes;
  }

  @Override
  public void begin() {
    if (current == null) {
      KafkaSink opened = new KafkaSink(open.get());
      try {
        opened.producer().initTransactions();
      } catch (RuntimeException e) {
        opened.close(Duration.ZERO);
        throw new FlowsException(
            "cannot start the transactions of " + transactionalId + ": " + e, e);
      }
      bind(opened);
      current = opened;
    }
    try {
      current.producer().beginTransaction();
      inTransaction = true;
      spoiled = false;
    } catch (RuntimeException e) {
      replace(e);
      throw new FlowsException("cannot begin a transaction of " + transactionalId + ": " + e, e);
    }
  }

  @Override
  public void send(OutgoingRecord record, Ack ack) {
    KafkaSink sink = current;
    if (sink == null || !inTransaction) {
      throw new IllegalStateException("send outside a transaction of " + transactionalId);
    }
    int size = RecordSize.upperBound(record);
    if (size > maxRecordBytes) {
      ack.completed(
          new RecordTooLargeException(
              "the record is up to "
                  + size
                  + " bytes serialized, more than max.request.size "
                  + maxRecordBytes));
      return;
    }
    sink.send(
        record,
        error -> {
          if (error != null) {
            spoiled = true;
          }
          ack.completed(error);
        });
  }

  @Override
  public boolean spoiled() {
    return spoiled;
  }

  @Override
  public void commit(Map<SourcePartition, Long> nextOffsets, SourceGeneration generation) {
    commit(nextOffsets, Map.of(), generation);
  }

  @Override
  public void commit(
      Map<SourcePartition, Long> nextOffsets,
      Map<SourcePartition, String> metadata,
      SourceGeneration generation) {
    KafkaProducer<byte[], byte[]> producer = current.producer();
    Map<TopicPartition, OffsetAndMetadata> offsets = KafkaOffsets.of(nextOffsets, metadata);
    try {
      producer.sendOffsetsToTransaction(offsets, ((KafkaGeneration) generation).metadata());
      producer.commitTransaction();
      inTransaction = false;
    } catch (RuntimeException e) {
      throw new FlowsException(
          "the transaction of " + transactionalId + " did not commit: " + e, e);
    }
  }

  @Override
  public void abort() {
    if (!inTransaction) {
      return;
    }
    inTransaction = false;
    try {
      current.producer().abortTransaction();
    } catch (RuntimeException e) {
      replace(e);
    }
  }

  /** Drops a producer that cannot go on; the next {@link #begin()} opens a new one. */
  private void replace(RuntimeException cause) {
    LOG.warn(
        "transactional producer {} cannot go on ({}); replacing it",
        transactionalId,
        cause.toString());
    inTransaction = false;
    KafkaSink failed = current;
    current = null;
    if (failed != null) {
      failed.close(Duration.ZERO);
    }
  }

  @Override
  public void flush() {
    KafkaSink sink = current;
    if (sink != null) {
      sink.flush();
    }
  }

  @Override
  public boolean isRecordError(Exception error) {
    return KafkaSink.isRecordErrorOf(error);
  }

  /** Connected while its producer is; {@code true} before the first transaction opened it. */
  @Override
  public boolean isConnected() {
    KafkaSink sink = current;
    return sink == null || sink.isConnected();
  }

  @Override
  public synchronized void bindMetrics(MeterRegistry registry, Iterable<Tag> tags) {
    this.registry = registry;
    this.tags = tags;
    KafkaSink sink = current;
    if (sink != null) {
      sink.bindMetrics(registry, tags);
    }
  }

  private synchronized void bind(KafkaSink sink) {
    if (registry != null) {
      sink.bindMetrics(registry, tags);
    }
  }

  @Override
  public void close() {
    KafkaSink sink = current;
    current = null;
    if (sink != null) {
      sink.close();
    }
  }
}
