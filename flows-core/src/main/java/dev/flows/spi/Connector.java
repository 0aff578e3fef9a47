package dev.flows.spi;

import java.util.Collection;
import java.util.Map;

/**
 * Opens sources and sinks on a broker. Implemented by flows-kafka; the in-memory test driver has
 * its own.
 */
public interface Connector {

  /**
   * A source reading as consumer group {@code group}, with {@code clientId} for logs and quotas.
   */
  Source source(String group, String clientId);

  /** A sink publishing as {@code clientId}. */
  Sink sink(String clientId);

  /**
   * The current shape of each of {@code topics} that exists, from the broker (thread-safe, may be
   * slow: called at assignments, not per batch). Connectors that cannot tell return an empty map,
   * and topic changes go unnoticed.
   */
  default Map<String, TopicShape> describe(Collection<String> topics) {
    return Map.of();
  }
}
