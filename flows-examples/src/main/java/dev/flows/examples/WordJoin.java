package dev.flows.examples;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.json;
import static dev.flows.format.Formats.string;

import dev.flows.Flows;
import dev.flows.Join;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.dsl.StateFunction;

/**
 * The seed's join: {@code word} and {@code word-type} joined per word through the intermediate
 * topic {@code word-join-intermediate} into {@code word-join}, value {@code "<count>
 * <description>"}. Two steps: {@code flows-word-join-merge} (stateless) wraps every source record
 * with its source coordinates onto the intermediate topic, keyed by word; {@code flows-word-join}
 * (stateful) keeps per word the count of words and the latest description, in table {@code
 * flows_word_join_state}. A record the merge step writes twice (after a crash or a replay) is still
 * applied once.
 */
public final class WordJoin {
  /** Word descriptions in: key is the word, value its description, e.g. apple -> fruit. */
  public static final Topic<String, String> WORD_TYPE = topic("word-type", string(), string());

  /** The intermediate topic the merge step writes. */
  public static final String INTERMEDIATE = "word-join-intermediate";

  /** Joined words out: key is the word, value {@code "<count> <description>"}. */
  public static final Topic<String, String> WORD_JOIN = topic("word-join", string(), string());

  /** The description of a word no {@code word-type} record described yet: {@value}. */
  public static final String UNKNOWN = "unknown";

  /** The joined state of one word. */
  public record JoinedWord(long count, String description) {}

  /** The state: {@code flows_word_join_state}, JSON-encoded. */
  public static final StateSpec<JoinedWord> STATE =
      StateSpec.of("word_join", json(JoinedWord.class), () -> new JoinedWord(0, UNKNOWN));

  /** A word counts once more and publishes the joined value. */
  public static final StateFunction<String, String, JoinedWord, String> COUNT_WORD =
      (word, value, state) -> {
        JoinedWord next = new JoinedWord(state.count() + 1, state.description());
        return StateUpdate.set(next, next.count() + " " + next.description());
      };

  /** A description replaces the word's description and publishes nothing. */
  public static final StateFunction<String, String, JoinedWord, String> DESCRIBE =
      (word, description, state) -> StateUpdate.set(new JoinedWord(state.count(), description));

  private WordJoin() {}

  /** {@code flows-word-join}: both steps; run them in one process or as two deployments. */
  public static Join join() {
    return join("flows-word-join", WordRemap.WORD, WORD_TYPE, INTERMEDIATE, WORD_JOIN, STATE);
  }

  /**
   * The same join under another name, on other topics and state, as the integration tests run it.
   */
  public static Join join(
      String name,
      Topic<String, String> words,
      Topic<String, String> types,
      String intermediate,
      Topic<String, String> joined,
      StateSpec<JoinedWord> state) {
    return Flows.join(name)
        .through(intermediate)
        .state(state)
        .on(words, (word, value) -> word, COUNT_WORD)
        .on(types, (word, description) -> word, DESCRIBE)
        .to(joined);
  }
}
