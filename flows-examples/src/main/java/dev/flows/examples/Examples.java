package dev.flows.examples;

import dev.flows.Flow;
import dev.flows.Topic;
import dev.flows.Windowed;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Every example flow, and the topics they need. */
public final class Examples {
  /** Partitions of the example topics, as in the seed: {@value}. */
  public static final int PARTITIONS = 10;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private Examples() {}

  /**
   * The word examples on Kafka (and PostgreSQL, and HTTP), in the order the launcher starts them.
   */
  public static List<Flow> words() {
    List<Flow> all =
        new ArrayList<>(List.of(WordRemap.flow(), WordCount.flow(), WordWindowCount.flow()));
    all.addAll(WordJoin.join().flows());
    all.add(WordCollect.flow());
    all.add(WordMaterialise.flow());
    all.add(WordAdapter.flow());
    return List.copyOf(all);
  }

  /** Every example: the word examples and the task examples (these need RabbitMQ). */
  public static List<Flow> all() {
    List<Flow> all = new ArrayList<>(words());
    all.addAll(TaskExamples.all());
    return List.copyOf(all);
  }

  /** The topics every example reads or writes, dead-letter topics included. */
  public static List<String> topics() {
    return all().stream()
        .filter(f -> !f.inputs().isEmpty() || !f.outputs().isEmpty())
        .flatMap(
            f ->
                Stream.concat(
                    Stream.concat(f.inputs().stream(), f.outputs().stream()).map(Topic::name),
                    Stream.of(f.deadLetterTopic())))
        .distinct()
        .toList();
  }

  /**
   * A record key of an example topic as text: the word, and on {@code word-window-count} its window
   * too, e.g. {@code apple [07:20:10, 07:20:20)} (UTC).
   */
  static String keyText(String topic, byte[] key) {
    if (key == null) {
      return "null";
    }
    if (topic.equals(WordWindowCount.WORD_WINDOW_COUNT.name())) {
      Windowed<String> w = WordWindowCount.WORD_WINDOW_COUNT.keyFormat().decode(key);
      return w.key() + " [" + TIME.format(w.startTime()) + ", " + TIME.format(w.endTime()) + ")";
    }
    return new String(key, StandardCharsets.UTF_8);
  }
}
