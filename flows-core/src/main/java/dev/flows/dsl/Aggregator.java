package dev.flows.dsl;

/**
 * Folds one record into a key's accumulator.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @param <A> the accumulator type
 */
@FunctionalInterface
public interface Aggregator<K, V, A> {
  /** The accumulator after {@code value}. */
  A apply(K key, V value, A accumulator) throws Exception;
}
