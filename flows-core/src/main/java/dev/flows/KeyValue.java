package dev.flows;

/**
 * A key and a value: what user functions return for an output record. Either may be {@code null} (a
 * {@code null} value is a tombstone).
 *
 * @param key the record key
 * @param value the record value
 */
public record KeyValue<K, V>(K key, V value) {

  /** A pair of a key and a value. */
  public static <K, V> KeyValue<K, V> of(K key, V value) {
    return new KeyValue<>(key, value);
  }
}
