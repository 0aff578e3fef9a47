package dev.flows.dsl;

import dev.flows.Flow;
import dev.flows.Topic;
import java.util.List;

/**
 * Where a stateful flow's outputs go: published at least once after their state change committed.
 *
 * @param <K> the key type
 * @param <O> the output value type
 */
public interface StatefulOutput<K, O> {
  /**
   * Publishes, of each batch, only each key's last output: of one row's outputs to one topic with
   * one key in a batch, the last; the earlier ones are never published (their state changes are
   * stored as ever). A count's readers see each batch's final count per key instead of every step,
   * as Kafka Streams' record cache gives them per commit interval. Outputs without a key, and dead
   * letters, are all published. In a {@code FlowTestDriver} test, each {@code pipeBatch} is one
   * batch.
   *
   * @throws dev.flows.FlowDefinitionException on windows or sessions emitting on close, which
   *     publish one result per window already
   */
  StatefulOutput<K, O> emitLatestPerBatch();

  /**
   * Sets the flow's timers in wall-clock time (the runtime's clock) instead of event time: a key's
   * timer fires once the wall clock reached its time, whatever the records' timestamps, at a record
   * read from a partition that fed the key or, without one, at a batch holding no record of that
   * partition (docs/semantics.md, "Timers"). Records are then taken in arrival order, and batches
   * do not overlap.
   *
   * @throws dev.flows.FlowDefinitionException on a flow without a timer function
   */
  StatefulOutput<K, O> timersOnWallClock();

  /**
   * Ends the flow: outputs go to {@code topic}, keyed by the input record's key (or, from {@link
   * StatefulState#applyMessage}, by the key each output message carries).
   */
  Flow to(Topic<K, O> topic);

  /**
   * Ends the flow: outputs that are {@code first}'s type go to it, the others to {@code second}
   * (1:2).
   */
  Flow split(
      Topic<K, ? extends O> first, Topic<K, ? extends O> second, OutputRouter<? super O> router);

  /**
   * Ends the flow: each output goes to the one of {@code topics} that {@code router} chooses for it
   * at run time, seeing the output as a message. Every topic is declared here, so {@code
   * describe()} and the lineage show all of them; a router returning another topic (or {@code
   * null}) dead-letters the input record at once, its state unchanged.
   *
   * @throws dev.flows.FlowDefinitionException if {@code topics} is empty or names a topic twice
   */
  Flow toAnyOf(List<Topic<K, O>> topics, TopicRouter<? super K, ? super O> router);

  /** Ends the flow without outputs: the state is the product. */
  Flow withoutOutput();
}
