package dev.flows.dsl;

/**
 * Where a {@link Splitter} writes: zero or more records to each of two typed topics.
 *
 * @param <K1> key type of the first topic
 * @param <V1> value type of the first topic
 * @param <K2> key type of the second topic
 * @param <V2> value type of the second topic
 */
public interface SplitOutput<K1, V1, K2, V2> {
  /** Emits a record to the first topic. */
  void first(K1 key, V1 value);

  /** Emits a record to the second topic. */
  void second(K2 key, V2 value);
}
