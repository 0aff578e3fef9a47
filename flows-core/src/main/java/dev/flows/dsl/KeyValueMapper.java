package dev.flows.dsl;

/**
 * Maps a key and a value to a result, such as a new {@link dev.flows.KeyValue} or a list of them.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @param <R> the result type
 */
@FunctionalInterface
public interface KeyValueMapper<K, V, R> {
  /** The result for one record. */
  R apply(K key, V value) throws Exception;
}
