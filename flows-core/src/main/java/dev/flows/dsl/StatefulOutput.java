package dev.flows.dsl;

import dev.flows.Flow;
import dev.flows.Topic;

/**
 * Where a stateful flow's outputs go: published at least once after their state change committed.
 *
 * @param <K> the key type
 * @param <O> the output value type
 */
public interface StatefulOutput<K, O> {

  /** Ends the flow: outputs go to {@code topic}, keyed by the input record's key. */
  Flow to(Topic<K, O> topic);

  /**
   * Ends the flow: outputs that are {@code first}'s type go to it, the others to {@code second}
   * (1:2).
   */
  Flow split(
      Topic<K, ? extends O> first, Topic<K, ? extends O> second, OutputRouter<? super O> router);

  /** Ends the flow without outputs: the state is the product. */
  Flow withoutOutput();
}
