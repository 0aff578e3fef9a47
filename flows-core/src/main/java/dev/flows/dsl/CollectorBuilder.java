package dev.flows.dsl;

import dev.flows.Topic;

/** The start of a collector flow: choose its input topic. */
public interface CollectorBuilder {
  /** Reads {@code topic}. */
  <K, V> CollectorSource<K, V> from(Topic<K, V> topic);
}
