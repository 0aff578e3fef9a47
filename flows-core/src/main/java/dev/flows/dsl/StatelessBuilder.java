package dev.flows.dsl;

import dev.flows.Topic;

/** The start of a stateless flow: choose its input topic. */
public interface StatelessBuilder {
  /** Reads {@code topic}. */
  <K, V> SourceStream<K, V> from(Topic<K, V> topic);
}
