package dev.flows.spi;

import java.util.Collection;
import java.util.Map;

/**
 * A store's record, per flow, of the shape each topic had when the flow first read it. Stored
 * offsets are only meaningful for that shape, so the runtime compares it with the broker's at every
 * assignment and stops the flow when a topic was recreated or repartitioned. Thread-safe.
 */
public interface TopicLedger {

  /**
   * Records the shapes in {@code seen} that {@code flow} has no record of yet (first writer wins)
   * and returns the recorded shape of every topic in {@code seen}.
   */
  Map<String, TopicShape> remember(String flow, Collection<TopicShape> seen);

  /**
   * What an operator runs to accept {@code now} as the shape of {@code topic} for {@code flow};
   * with {@code recreated}, also starting its next generation, so offsets stored for the old topic
   * are forgotten.
   */
  String howToAccept(String flow, TopicShape now, boolean recreated);
}
