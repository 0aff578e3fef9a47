package dev.flows.dsl;

import dev.flows.Topic;

/** The start of a stateful flow: choose its input topic. */
public interface StatefulBuilder {
  /** Reads {@code topic}. */
  <K, V> StatefulSource<K, V> from(Topic<K, V> topic);
}
