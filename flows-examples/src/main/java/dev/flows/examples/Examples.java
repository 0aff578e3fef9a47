package dev.flows.examples;

import dev.flows.Flow;
import dev.flows.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Every example flow, and the topics they need. */
public final class Examples {
  /** Partitions of the example topics, as in the seed: {@value}. */
  public static final int PARTITIONS = 10;

  private Examples() {}

  /**
   * The word examples on Kafka (and PostgreSQL, and HTTP), in the order the launcher starts them.
   */
  public static List<Flow> words() {
    List<Flow> all = new ArrayList<>(List.of(WordRemap.flow(), WordCount.flow()));
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
}
