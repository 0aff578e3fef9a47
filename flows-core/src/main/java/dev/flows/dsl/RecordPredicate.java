package dev.flows.dsl;

/**
 * Decides whether a record goes on.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface RecordPredicate<K, V> {
  /** {@code true} to keep the record. */
  boolean test(K key, V value) throws Exception;
}
