package dev.flows.examples;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.longs;
import static dev.flows.format.Formats.string;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.Windowed;
import dev.flows.Windows;
import java.time.Duration;

/**
 * Final counts per word and 10 s event-time window: a stateful flow from {@code word} to {@code
 * word-window-count} whose event time is the record timestamp. Each window's count is published
 * once, when the window closes: when a record on the same partition is stamped at least 2 s (the
 * grace) after the window's end. A word stamped in a closed window is dead-lettered.
 */
public final class WordWindowCount {
  /** Tumbling windows of 10 s, open for 2 s after their end, published when they close. */
  public static final Windows WINDOWS =
      Windows.tumbling(Duration.ofSeconds(10)).withGrace(Duration.ofSeconds(2)).emitOnClose();

  /** Final counts out: key is the word and its window, value the word's count in it. */
  public static final Topic<Windowed<String>, String> WORD_WINDOW_COUNT =
      topic("word-window-count", Windowed.format(string()), string());

  /**
   * The state: a count per word and window, in {@code flows_word_window_count_state}, deleted once
   * its window closed and 12 s (size + grace) unwritten.
   */
  public static final StateSpec<Long> COUNT = StateSpec.of("word_window_count", longs(), () -> 0L);

  private WordWindowCount() {}

  /** {@code flows-word-window-count}. */
  public static Flow flow() {
    return Flows.stateful("flows-word-window-count")
        .from(WordRemap.WORD)
        .windowedBy(WINDOWS)
        .state(COUNT)
        .apply((window, word, count) -> StateUpdate.set(count + 1, Long.toString(count + 1)))
        .to(WORD_WINDOW_COUNT);
  }
}
