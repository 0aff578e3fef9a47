package dev.flows.internal.plan;

import dev.flows.FlowOptions;
import dev.flows.Topic;
import dev.flows.dsl.SourceStream;
import dev.flows.dsl.StatelessBuilder;
import java.util.List;
import java.util.Objects;

/** Starts a stateless chain. */
public final class StatelessStart implements StatelessBuilder {
  private final String name;
  private final FlowOptions options;

  /** A start for a validated name and options. */
  public StatelessStart(String name, FlowOptions options) {
    this.name = name;
    this.options = options;
  }

  @Override
  public <K, V> SourceStream<K, V> from(Topic<K, V> topic) {
    Objects.requireNonNull(topic, "topic");
    return new StreamStep<>(new Draft(name, options, List.of(topic), null, List.of()));
  }
}
