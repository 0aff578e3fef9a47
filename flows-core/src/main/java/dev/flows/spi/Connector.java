package dev.flows.spi;

import dev.flows.FlowDefinitionException;
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
   * A sink publishing in transactions for the exactly-once flow {@code flow}, under an id stable
   * for this process (so a restarted process fences its predecessor at once where the connector
   * knows the process's identity). Opened lazily: creating it touches no network.
   *
   * @throws FlowDefinitionException if this connector cannot publish in transactions
   */
  default TransactionalSink transactionalSink(String flow) {
    throw FlowDefinitionException.of(
        "guarantee",
        "exactly-once",
        "needs transactions, which "
            + getClass().getSimpleName()
            + " cannot do (flow "
            + flow
            + ")",
        "use KafkaConnector, or Guarantee.AT_LEAST_ONCE for this flow");
  }

  /**
   * The current shape of each of {@code topics} that exists, from the broker (thread-safe, may be
   * slow: called at assignments, not per batch). Connectors that cannot tell return an empty map,
   * and topic changes go unnoticed.
   */
  default Map<String, TopicShape> describe(Collection<String> topics) {
    return Map.of();
  }

  /**
   * The offsets consumer group {@code group} has committed on the partitions of {@code topic} (the
   * next offset it reads, by partition number), from the broker: thread-safe, may be slow (called
   * in the background, not per batch). Connectors that cannot tell return an empty map, and what
   * depends on it (the purge of a materialised table's deleted markers) is not done.
   */
  default Map<Integer, Long> committedOffsets(String group, String topic) {
    return Map.of();
  }

  /**
   * The metadata consumer group {@code group} committed with its offsets on the partitions of
   * {@code topic} (see {@link Source#commit(Map, Map)}), by partition number; partitions without
   * metadata are missing. Like {@link #committedOffsets}: thread-safe, may be slow, empty where the
   * connector cannot tell (a windowed flow's state retention then keeps window rows).
   */
  default Map<Integer, String> committedMetadata(String group, String topic) {
    return Map.of();
  }
}
