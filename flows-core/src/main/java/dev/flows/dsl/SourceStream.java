package dev.flows.dsl;

import dev.flows.Topic;

/**
 * The records read from one or more input topics, before any transformation. Offers what only makes
 * sense at the source: merging more topics and whole-batch functions.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface SourceStream<K, V> extends FlowStream<K, V> {

  /** Also reads {@code other}; records of all inputs go through the same steps. */
  SourceStream<K, V> merge(Topic<K, V> other);

  /** Processes each microbatch with one call of {@code function} (a microbatch step). */
  <KR, VR> FlowStream<KR, VR> batch(BatchFunction<K, V, KR, VR> function);
}
