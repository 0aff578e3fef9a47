package dev.flows.spi;

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
}
