package dev.flows.dsl;

import dev.flows.Flow;
import dev.flows.Topic;

/**
 * Where a collector's per-key results go.
 *
 * @param <K> the key type
 * @param <R> the result type
 */
public interface CollectorOutput<K, R> {
  /** Ends the flow: one record per key and batch goes to {@code topic}. */
  Flow to(Topic<K, R> topic);
}
