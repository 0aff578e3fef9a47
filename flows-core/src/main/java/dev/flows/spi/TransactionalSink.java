package dev.flows.spi;

import java.util.Map;

/**
 * A {@link Sink} whose sends between {@link #begin()} and {@link #commit} become visible to {@code
 * read_committed} readers together with the source offsets, or not at all. One transaction at a
 * time: the batch thread begins, the lanes send, the batch thread commits or aborts.
 */
public interface TransactionalSink extends Sink {

  /** Starts a transaction (connecting and fencing an older producer of the same id first). */
  void begin();

  /**
   * Commits the sends since {@link #begin()} together with {@code nextOffsets} as the group's
   * positions, under {@code generation}. Throws if the transaction could not be committed, which
   * includes a generation the group has left behind; the outcome may then be unknown (a timeout),
   * so the caller rewinds to the offsets the broker has, not to where it thinks it was.
   */
  void commit(Map<SourcePartition, Long> nextOffsets, SourceGeneration generation);

  /**
   * Commits as {@link #commit(Map, SourceGeneration)}, each offset with the metadata string of its
   * partition in {@code metadata} (see {@link Source#commit(Map, Map)}). Sinks that cannot keep
   * metadata throw when given some.
   */
  default void commit(
      Map<SourcePartition, Long> nextOffsets,
      Map<SourcePartition, String> metadata,
      SourceGeneration generation) {
    if (!metadata.isEmpty()) {
      throw new UnsupportedOperationException(
          getClass().getName() + " cannot commit metadata with offsets");
    }
    commit(nextOffsets, generation);
  }

  /**
   * Whether a send since {@link #begin()} failed inside the transaction, so it can no longer commit
   * (records refused before they reached the broker do not spoil it).
   */
  boolean spoiled();

  /**
   * Aborts the current transaction, if any, and leaves the sink ready for {@link #begin()} (a
   * producer that can no longer abort is replaced). Never throws.
   */
  void abort();
}
