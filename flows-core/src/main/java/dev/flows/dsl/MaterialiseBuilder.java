package dev.flows.dsl;

import dev.flows.Topic;

/** The start of a materialise flow: choose its input topic. */
public interface MaterialiseBuilder {
  /** Reads {@code topic}; its record key is the table's primary key. */
  <K, V> MaterialiseSource<K, V> from(Topic<K, V> topic);
}
