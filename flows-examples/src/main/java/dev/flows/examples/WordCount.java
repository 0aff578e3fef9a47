package dev.flows.examples;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.json;
import static dev.flows.format.Formats.string;

import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.Guarantee;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;

/**
 * The seed's count: a stateful flow from {@code word} to {@code word-count}, the value being the
 * running count of the word. State lives in table {@code flows_count_state}; a replayed word never
 * counts twice.
 */
public final class WordCount {
  /** Running counts out: key is the word, value the count. */
  public static final Topic<String, String> WORD_COUNT = topic("word-count", string(), string());

  /** The state of one word. */
  public record Count(long count) {
    Count increment() {
      return new Count(count + 1);
    }
  }

  /** The state: {@code flows_count_state}, JSON-encoded. */
  public static final StateSpec<Count> COUNT =
      StateSpec.of("count", json(Count.class), () -> new Count(0));

  private WordCount() {}

  /**
   * {@code flows-word-count}, exactly-once: a {@code read_committed} reader of {@code word-count}
   * sees each count once, whatever crashes.
   */
  public static Flow flow() {
    return Flows.stateful(
            "flows-word-count", FlowOptions.defaults().withGuarantee(Guarantee.EXACTLY_ONCE))
        .from(WordRemap.WORD)
        .state(COUNT)
        .apply(
            (word, value, state) -> {
              Count next = state.increment();
              return StateUpdate.set(next, Long.toString(next.count()));
            })
        .to(WORD_COUNT);
  }
}
