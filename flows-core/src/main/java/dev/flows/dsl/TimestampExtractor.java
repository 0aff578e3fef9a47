package dev.flows.dsl;

/**
 * The event time of a record for windows, in milliseconds since the epoch; a negative one
 * dead-letters the record.
 *
 * @param <K> the record key type
 * @param <V> the record value type
 */
@FunctionalInterface
public interface TimestampExtractor<K, V> {
  /** The event time of the record {@code key}, {@code value} whose own timestamp is given. */
  long timestamp(K key, V value, long recordTimestamp) throws Exception;
}
