package dev.flows.internal.runtime;

import dev.flows.Flow;
import dev.flows.Message;
import dev.flows.internal.plan.StatefulPlan;
import dev.flows.spi.Source;
import dev.flows.spi.SourcePartition;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Buffers the records a poll loop fetched and takes batches off them: by size, by wait since the
 * oldest buffered record, or before a key exceeds its per-key limit. Each partition's records stay
 * in offset order, and a batch holds a prefix of each partition's. Used by the polling thread only.
 */
interface Batcher {
  /**
   * The batcher of {@code plan}: in event-time order across partitions for a flow whose outputs
   * wait for stream time ({@link StatefulPlan#waitsForStreamTime()}), else in the order {@code
   * source} returns records.
   */
  static Batcher of(Flow plan, Source source, Clock clock) {
    return plan instanceof StatefulPlan stateful && stateful.waitsForStreamTime()
        ? new EventTimeBatcher(plan.options(), () -> unread(source), clock)
        : new ArrivalOrderBatcher(plan.options(), clock);
  }

  /**
   * The partitions assigned to {@code source} with records on the broker it has not returned yet,
   * or whose lag it does not know.
   */
  private static Set<SourcePartition> unread(Source source) {
    Map<SourcePartition, Long> lag = source.lag();
    Set<SourcePartition> unread = new HashSet<>();
    for (SourcePartition partition : source.assignment()) {
      Long records = lag.get(partition);
      if (records == null || records > 0) {
        unread.add(partition);
      }
    }
    return unread;
  }

  /** The map key of a record without a key, for the per-key limit. */
  ByteBuffer NULL_KEY = ByteBuffer.allocate(0);

  /** The key of {@code message} as a map key, for the per-key limit. */
  static ByteBuffer keyOf(Message<byte[], byte[]> message) {
    return message.key() == null ? NULL_KEY : ByteBuffer.wrap(message.key());
  }

  /** Buffers fetched records. */
  void add(List<Message<byte[], byte[]>> records);

  /** How many records are buffered. */
  int size();

  /** Whether a full batch can be taken now. */
  boolean isFull();

  /** Whether a batch should be taken now. */
  default boolean isReady() {
    return millisUntilReady() == 0;
  }

  /** Milliseconds until a batch should be taken: 0 if now, {@link Long#MAX_VALUE} if empty. */
  long millisUntilReady();

  /** Takes the next batch off the buffer: up to maxRecords, empty if nothing is buffered. */
  Batch drain();

  /** Forgets buffered records of partitions this instance no longer reads from here. */
  void drop(Collection<SourcePartition> partitions);

  /**
   * Which of the {@code assigned} partitions (asked only if needed) to pause now, so the buffer
   * does not grow further.
   */
  Set<SourcePartition> toPause(Supplier<Set<SourcePartition>> assigned);
}
