package dev.flows.internal.runtime;

import dev.flows.Message;
import dev.flows.spi.Sink;
import java.util.List;

/**
 * How a batch's outputs and source offsets become final: the one place that decides between
 * at-least-once ({@link AtLeastOnceDelivery}: outputs acknowledged, then the poll loop commits the
 * offsets) and exactly-once ({@link TransactionalDelivery}: outputs, dead letters and offsets in
 * one Kafka transaction the batch commits itself). One per flow; one batch at a time.
 */
public interface Delivery extends AutoCloseable {

  /** Where the batches publish. */
  Sink sink();

  /** Called on the batch thread before the batch sends anything. */
  void begin(Batch batch);

  /** Called on the batch thread once every send of {@code batch} is acknowledged. */
  void commit(Batch batch);

  /** Called on the batch thread when {@code batch} failed: nothing it sent may become visible. */
  void abort(Batch batch);

  /**
   * Whether the poll loop commits a succeeded batch's offsets through the source (at-least-once),
   * rewinding a failed batch to its first offsets; otherwise the batch committed them itself, and a
   * failed one is rewound to the offsets the broker has.
   */
  boolean pollLoopCommits();

  /**
   * The error for which the broker refused a send produced from {@code source} in an earlier try of
   * its batch, or {@code null}: such a record is dead-lettered without being sent again.
   */
  Exception refusedBefore(Message<byte[], byte[]> source);

  /**
   * Learns of sends refused for their record, in the order they failed. Returns whether the batch
   * may go on and dead-letter them; {@code false} when the refusal spoiled the batch (a transaction
   * can no longer commit): the batch fails, and its next try dead-letters the culprit up front.
   */
  boolean refused(List<BatchAcks.RejectedSend> rejected);

  /** Closes what the delivery opened for this flow alone. */
  @Override
  void close();
}
