package dev.flows.internal.runtime;

import dev.flows.Message;
import dev.flows.spi.Sink;
import dev.flows.spi.SourcePartition;
import dev.flows.spi.TransactionalSink;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once: each batch is one transaction of its outputs, its dead letters and its source
 * offsets, committed under the group generation its partitions are owned in (so a worker that lost
 * them is fenced). A batch given up meanwhile never commits. A send the broker refuses for its
 * record spoils the transaction: the batch is aborted and retried, and the retry dead-letters that
 * record instead of sending it (remembered by its source coordinates until its batch commits).
 */
public final class TransactionalDelivery implements Delivery {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionalDelivery.class);

  private record Coordinates(String topic, int partition, long offset) {
    static Coordinates of(Message<byte[], byte[]> message) {
      return new Coordinates(message.topic(), message.partition(), message.offset());
    }
  }

  private final TransactionalSink sink;
  private final Map<Coordinates, Exception> refusals = new ConcurrentHashMap<>();

  /** Publishing through {@code sink}, which this delivery closes. */
  public TransactionalDelivery(TransactionalSink sink) {
    this.sink = sink;
  }

  @Override
  public Sink sink() {
    return sink;
  }

  @Override
  public void begin(Batch batch) {
    sink.begin();
  }

  @Override
  public void commit(Batch batch) {
    if (batch.generation().get() == null) {
      throw new IllegalStateException("a transactional batch started without a group generation");
    }
    batch
        .cancellation()
        .runUnlessCancelled(
            "commit the transaction",
            () -> {
              Map<SourcePartition, String> metadata = batch.commitMetadata().get();
              if (metadata.isEmpty()) {
                sink.commit(batch.nextOffsets(), batch.generation().get());
              } else {
                sink.commit(batch.nextOffsets(), metadata, batch.generation().get());
              }
            });
    forgetBelow(batch.nextOffsets());
  }

  @Override
  public void abort(Batch batch) {
    sink.abort();
  }

  @Override
  public boolean pollLoopCommits() {
    return false;
  }

  @Override
  public Exception refusedBefore(Message<byte[], byte[]> source) {
    return refusals.isEmpty() ? null : refusals.get(Coordinates.of(source));
  }

  /**
   * Records refused before they reached the broker leave the transaction whole: they are
   * dead-lettered in it. One the broker refused spoiled it, and every later send of the transaction
   * fails with the same error, so only the first refusal names a culprit: it is remembered, the
   * batch fails, and its next try dead-letters that record (and so on, should there be another).
   */
  @Override
  public boolean refused(List<BatchAcks.RejectedSend> rejected) {
    if (!sink.spoiled()) {
      return true;
    }
    BatchAcks.RejectedSend first = rejected.get(0);
    Coordinates source = Coordinates.of(first.source());
    if (refusals.putIfAbsent(source, first.error()) == null) {
      LOG.warn(
          "{}-{} offset {}: an output was refused ({}); the transaction is aborted and the record"
              + " will be dead-lettered",
          source.topic(),
          source.partition(),
          source.offset(),
          first.error().toString());
    }
    return false;
  }

  private void forgetBelow(Map<SourcePartition, Long> nextOffsets) {
    if (!refusals.isEmpty()) {
      refusals
          .keySet()
          .removeIf(
              c -> {
                Long next = nextOffsets.get(new SourcePartition(c.topic(), c.partition()));
                return next != null && c.offset() < next;
              });
    }
  }

  @Override
  public void close() {
    sink.close();
  }
}
