package dev.flows.examples;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Topic;

/**
 * The seed's collector: from {@code word} to {@code word-collect}, one record per word and
 * microbatch whose value is how often the word occurred in that batch. Nothing is stored; a
 * replayed batch is counted again (at-least-once), so downstream sums are at least the input count.
 */
public final class WordCollect {
  /** Per-batch counts out: key is the word, value its count in one batch. */
  public static final Topic<String, String> WORD_COLLECT =
      topic("word-collect", string(), string());

  private WordCollect() {}

  /** {@code flows-word-collect}. */
  public static Flow flow() {
    return flow("flows-word-collect", WordRemap.WORD, WORD_COLLECT);
  }

  /** The same collector under another name and on other topics, as the integration tests run it. */
  public static Flow flow(String name, Topic<String, String> words, Topic<String, String> counts) {
    return Flows.collector(name)
        .from(words)
        .aggregate(() -> 0L, (word, value, count) -> count + 1)
        .collect((word, count) -> Long.toString(count))
        .to(counts);
  }
}
