package dev.flows.dsl;

import dev.flows.Topic;

/** The start of a materialise flow: choose its input topic. */
public interface MaterialiseBuilder {
  /**
   * Reads {@code topic}; ending in {@code into}, its record key is the table's primary key, in
   * {@code intoRows} the mapper gives every row's key.
   */
  <K, V> MaterialiseSource<K, V> from(Topic<K, V> topic);
}
