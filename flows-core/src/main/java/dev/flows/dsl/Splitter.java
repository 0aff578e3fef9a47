package dev.flows.dsl;

/**
 * Writes one input record to two typed topics (1:2), each receiving zero or more records.
 *
 * @param <K> input key type
 * @param <V> input value type
 */
@FunctionalInterface
public interface Splitter<K, V, K1, V1, K2, V2> {
  /** Emits the outputs of one record to {@code out}. */
  void split(K key, V value, SplitOutput<K1, V1, K2, V2> out) throws Exception;
}
