package dev.flows.dsl;

/**
 * A collector with its aggregate: turn each key's accumulator into the output value.
 *
 * @param <K> the key type
 * @param <A> the accumulator type
 */
public interface CollectorAggregate<K, A> {
  /** Emits {@code collector(key, accumulator)} once per key at the end of each batch. */
  <R> CollectorOutput<K, R> collect(KeyValueMapper<? super K, ? super A, ? extends R> collector);
}
