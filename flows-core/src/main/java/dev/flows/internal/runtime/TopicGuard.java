package dev.flows.internal.runtime;

import dev.flows.FlowFailedException;
import dev.flows.spi.Connector;
import dev.flows.spi.TopicLedger;
import dev.flows.spi.TopicShape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.locks.Lock;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a flow whose stored offsets no longer mean what they meant: before the first batch after
 * every assignment change, it compares each topic's shape on the broker (id, partition count) with
 * the one the store recorded when the flow first read it. A recreated topic starts its offsets
 * again, so stored progress would skip its records as replays; a repartitioned one moves keys
 * between partitions, so their order is lost. Either stops the flow with the topic, the old and new
 * shape and what to run to accept it. Also gives each topic's generation (how often a recreation
 * was accepted), under which progress is stored.
 */
final class TopicGuard {
  private static final Logger LOG = LoggerFactory.getLogger(TopicGuard.class);

  /** No store or no broker to ask: every topic is generation 0, nothing is checked. */
  static final TopicGuard NONE = new TopicGuard(null, List.of(), null, null);

  private final String flow;
  private final List<String> topics;
  private final TopicLedger ledger;
  private final Connector broker;
  private volatile boolean verified;
  private Map<String, Integer> generations = Map.of();
  private volatile Map<String, Integer> checked;

  /**
   * A guard of {@code topics}, recorded in {@code ledger} under {@code flow}, with shapes from
   * {@code broker}.
   */
  TopicGuard(String flow, List<String> topics, TopicLedger ledger, Connector broker) {
    this.flow = flow;
    this.topics = List.copyOf(topics);
    this.ledger = ledger;
    this.broker = broker;
  }

  /** Partitions moved: check again before the next batch. Any thread. */
  void invalidate() {
    verified = false;
  }

  /**
   * Checks the topics if not done since the last assignment change, then gives their generations.
   * Throws {@link FlowFailedException} when a topic changed; a failure to ask the broker or the
   * store throws otherwise, and the batch is retried.
   */
  ToIntFunction<String> generations() {
    return generations(null);
  }

  /**
   * As {@link #generations()}, the check (the broker's and the ledger's) made holding {@code
   * ledgerCalls} if not null: a flow whose next batch checks beside this one's write holds one
   * connection at a time.
   */
  ToIntFunction<String> generations(Lock ledgerCalls) {
    if (!verified && ledger != null) {
      if (ledgerCalls != null) {
        ledgerCalls.lock();
      }
      try {
        generations = check();
        checked = generations;
        verified = true;
      } finally {
        if (ledgerCalls != null) {
          ledgerCalls.unlock();
        }
      }
    }
    Map<String, Integer> current = generations;
    return topic -> current.getOrDefault(topic, 0);
  }

  /**
   * The generation of {@code topic} at the last successful check, empty before the first one. It
   * stays valid after an assignment change: a generation changes only when an operator accepts a
   * recreated topic, and the flow stops at the next check until then. Any thread.
   */
  OptionalInt checkedGeneration(String topic) {
    Map<String, Integer> last = checked;
    return last == null ? OptionalInt.empty() : OptionalInt.of(last.getOrDefault(topic, 0));
  }

  /**
   * The generations of the topics at the last successful check, empty before the first one; every
   * generation 0 for a guard that checks nothing ({@link #NONE}). Any thread.
   */
  Optional<ToIntFunction<String>> checkedGenerations() {
    if (ledger == null) {
      return Optional.of(topic -> 0);
    }
    Map<String, Integer> last = checked;
    return last == null ? Optional.empty() : Optional.of(t -> last.getOrDefault(t, 0));
  }

  private Map<String, Integer> check() {
    Map<String, TopicShape> now = broker.describe(topics);
    if (now.isEmpty()) {
      return Map.of();
    }
    Map<String, TopicShape> recorded = ledger.remember(flow, now.values());
    List<String> changes = new ArrayList<>();
    Map<String, Integer> generations = new HashMap<>();
    for (TopicShape shape : now.values()) {
      TopicShape first = recorded.get(shape.topic());
      generations.put(shape.topic(), first.generation());
      String change = change(first, shape);
      if (change != null) {
        changes.add(change);
      }
    }
    if (!changes.isEmpty()) {
      throw new FlowFailedException(
          "flow " + flow + " stopped: " + String.join("; ", changes), null);
    }
    LOG.debug("flow {}: topics as recorded: {}", flow, recorded.values());
    return generations;
  }

  private String change(TopicShape first, TopicShape now) {
    boolean recreated = first.topicId() != null && !first.topicId().equals(now.topicId());
    if (recreated) {
      return "topic "
          + now.topic()
          + " was deleted and created again (topic id "
          + first.topicId()
          + ", now "
          + now.topicId()
          + "): its offsets started again from 0, so the offsets this flow stored for it would"
          + " skip its new records as replays. If the new topic is meant to go on from the old"
          + " one, accept it: "
          + ledger.howToAccept(flow, now, true)
          + " (docs/operations.md, \"A topic changed\")";
    }
    if (first.partitions() != now.partitions()) {
      return "topic "
          + now.topic()
          + " has "
          + now.partitions()
          + " partitions, "
          + first.partitions()
          + " when this flow first read it: keys moved between partitions, and records of one"
          + " key may now be applied out of order. Once the old partitions are drained (lag 0"
          + " before the change), accept it: "
          + ledger.howToAccept(flow, now, false)
          + " (docs/operations.md, \"A topic changed\")";
    }
    return null;
  }
}
