package dev.flows.examples;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Topic;
import dev.flows.kafka.FlowsMain;

/**
 * The seed's first example: stateless remap of {@code word} to {@code word-updated}, headers kept.
 */
public final class WordRemap {
  /** Words in: key and value are the word. */
  public static final Topic<String, String> WORD = topic("word", string(), string());

  /** Remapped words out. */
  public static final Topic<String, String> WORD_UPDATED =
      topic("word-updated", string(), string());

  private WordRemap() {}

  /** {@code flows-word-remap}: value + " updated". */
  public static Flow flow() {
    return Flows.stateless("flows-word-remap")
        .from(WORD)
        .mapValues(word -> word + " updated")
        .to(WORD_UPDATED);
  }

  /** Runs only this flow, configured from the environment, until SIGTERM. */
  public static void main(String[] args) {
    FlowsMain.run(flow());
  }
}
