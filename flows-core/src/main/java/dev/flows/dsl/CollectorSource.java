package dev.flows.dsl;

import dev.flows.Topic;
import java.util.function.Supplier;

/**
 * The input of a collector: choose how a batch's records of one key are folded.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface CollectorSource<K, V> {
  /** Also reads {@code other}. */
  CollectorSource<K, V> merge(Topic<K, V> other);

  /** Per key and batch, starts from {@code initial} and folds each record in offset order. */
  <A> CollectorAggregate<K, A> aggregate(
      Supplier<? extends A> initial, Aggregator<? super K, ? super V, A> aggregator);

  /**
   * As {@link #aggregate}, folding each record seen as a {@link dev.flows.Message}: its topic,
   * partition, offset, timestamp and headers are read-only context.
   */
  <A> CollectorAggregate<K, A> aggregateMessage(
      Supplier<? extends A> initial, MessageAggregator<? super K, ? super V, A> aggregator);
}
