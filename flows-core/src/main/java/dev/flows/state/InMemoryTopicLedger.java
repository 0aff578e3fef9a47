package dev.flows.state;

import dev.flows.spi.TopicLedger;
import dev.flows.spi.TopicShape;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link TopicLedger} in this JVM's memory, for the in-memory state store and table sink: it
 * forgets its record when the process stops, as they forget their data. Thread-safe.
 */
public final class InMemoryTopicLedger implements TopicLedger {
  private final Map<String, TopicShape> shapes = new HashMap<>();

  /** An empty ledger. */
  public static InMemoryTopicLedger create() {
    return new InMemoryTopicLedger();
  }

  @Override
  public synchronized Map<String, TopicShape> remember(String flow, Collection<TopicShape> seen) {
    Map<String, TopicShape> recorded = new HashMap<>();
    for (TopicShape shape : seen) {
      recorded.put(
          shape.topic(), shapes.computeIfAbsent(flow + "\u0000" + shape.topic(), k -> shape));
    }
    return recorded;
  }

  @Override
  public String howToAccept(String flow, TopicShape now, boolean recreated) {
    return "restart the process: the in-memory store forgets its data and its record of topics"
        + " when the process stops";
  }
}
