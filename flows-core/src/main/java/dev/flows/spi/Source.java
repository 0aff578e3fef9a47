package dev.flows.spi;

import dev.flows.Message;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads records from partitioned topics as one member of a consumer group. Not thread-safe: every
 * method is called from the one polling thread. Never commits on its own.
 */
public interface Source extends AutoCloseable {

  /** Joins the group for {@code topics}; partition moves are reported to {@code listener}. */
  void subscribe(Collection<String> topics, PartitionListener listener);

  /** The records fetched so far, waiting at most {@code timeout} when there are none. */
  List<Message<byte[], byte[]>> poll(Duration timeout);

  /** Stops fetching from these partitions (back-pressure) without leaving the group. */
  void pause(Collection<SourcePartition> partitions);

  /** Fetches from these partitions again. */
  void resume(Collection<SourcePartition> partitions);

  /** Rewinds a partition so the next poll returns records from {@code offset}. */
  void seek(SourcePartition partition, long offset);

  /** Commits, synchronously, the next offset to read per partition. Throws if the commit failed. */
  void commit(Map<SourcePartition, Long> nextOffsets);

  /**
   * Commits, synchronously, the next offsets with a metadata string per partition (a windowed
   * flow's stream time, read back by {@link #committedMetadata} after a restart or rebalance).
   * Partitions without metadata commit none. Sources that cannot keep metadata throw when given
   * some.
   */
  default void commit(
      Map<SourcePartition, Long> nextOffsets, Map<SourcePartition, String> metadata) {
    if (!metadata.isEmpty()) {
      throw new UnsupportedOperationException(
          getClass().getName() + " cannot commit metadata with offsets");
    }
    commit(nextOffsets);
  }

  /**
   * The metadata committed with the offsets of {@code partitions} (see {@link #commit(Map, Map)}),
   * from the broker; partitions without a committed offset or without metadata are missing. Called
   * on the polling thread, also from the partition listener.
   */
  default Map<SourcePartition, String> committedMetadata(Collection<SourcePartition> partitions) {
    throw new UnsupportedOperationException(
        getClass().getName() + " cannot read metadata committed with offsets");
  }

  /**
   * The committed offsets of {@code partitions}, from the broker (waiting for transactions still
   * committing); partitions without one are missing. Used by exactly-once flows to rewind after a
   * failed transaction, whose outcome may be unknown.
   */
  default Map<SourcePartition, Long> committed(Collection<SourcePartition> partitions) {
    throw new UnsupportedOperationException(
        getClass().getName() + " cannot read committed offsets");
  }

  /**
   * The group membership now, for offsets committed in a transaction ({@link
   * TransactionalSink#commit}). Called on the polling thread, also from the partition listener.
   */
  default SourceGeneration generation() {
    throw new UnsupportedOperationException(
        getClass().getName() + " cannot commit offsets in transactions");
  }

  /** The partitions currently assigned. */
  Set<SourcePartition> assignment();

  /**
   * Whether the source is connected to its broker right now, for readiness. Sources that cannot
   * tell answer {@code true}.
   */
  default boolean isConnected() {
    return true;
  }

  /**
   * Registers the client's own metrics (e.g. the Kafka consumer's) in {@code registry} with {@code
   * tags} added, until {@link #close()} removes them. Called once by the runtime when the flow
   * starts, before its polling thread does; sources without client metrics do nothing.
   */
  default void bindMetrics(MeterRegistry registry, Iterable<Tag> tags) {}

  /** Records not yet read per assigned partition, where the source knows it (consumer lag). */
  Map<SourcePartition, Long> lag();

  /** Leaves the group and releases resources. */
  @Override
  void close();
}
