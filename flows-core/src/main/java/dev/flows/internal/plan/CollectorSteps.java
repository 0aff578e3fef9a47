package dev.flows.internal.plan;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.FlowOptions;
import dev.flows.Topic;
import dev.flows.dsl.Aggregator;
import dev.flows.dsl.CollectorAggregate;
import dev.flows.dsl.CollectorBuilder;
import dev.flows.dsl.CollectorOutput;
import dev.flows.dsl.CollectorSource;
import dev.flows.dsl.KeyValueMapper;
import dev.flows.dsl.MessageAggregator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/** The immutable steps of a collector chain. */
public final class CollectorSteps {
  private CollectorSteps() {}

  /** The start of a collector chain for a validated name. */
  public static CollectorBuilder start(String name, FlowOptions options) {
    return new CollectorBuilder() {
      @Override
      public <K, V> CollectorSource<K, V> from(Topic<K, V> topic) {
        return new Source<>(name, options, List.of(Objects.requireNonNull(topic, "topic")));
      }
    };
  }

  private record Source<K, V>(String name, FlowOptions options, List<Topic<?, ?>> inputs)
      implements CollectorSource<K, V> {
    @Override
    public CollectorSource<K, V> merge(Topic<K, V> other) {
      Objects.requireNonNull(other, "topic");
      if (inputs.stream().anyMatch(t -> t.name().equals(other.name()))) {
        throw FlowDefinitionException.of(
            "merge", other.name(), "is already an input of " + name, "merge each topic once");
      }
      List<Topic<?, ?>> more = new ArrayList<>(inputs);
      more.add(other);
      return new Source<>(name, options, more);
    }

    @Override
    public <A> CollectorAggregate<K, A> aggregate(
        Supplier<? extends A> initial, Aggregator<? super K, ? super V, A> aggregator) {
      Objects.requireNonNull(initial, "initial");
      Objects.requireNonNull(aggregator, "aggregator");
      @SuppressWarnings("unchecked")
      Aggregator<Object, Object, Object> fn = (Aggregator<Object, Object, Object>) aggregator;
      return new Aggregate<>(
          this, initial, (message, acc) -> fn.apply(message.key(), message.value(), acc));
    }

    @Override
    public <A> CollectorAggregate<K, A> aggregateMessage(
        Supplier<? extends A> initial, MessageAggregator<? super K, ? super V, A> aggregator) {
      Objects.requireNonNull(initial, "initial");
      Objects.requireNonNull(aggregator, "aggregator");
      return new Aggregate<>(this, initial, aggregator);
    }
  }

  private record Aggregate<K, A>(
      Source<?, ?> source, Supplier<?> initial, MessageAggregator<?, ?, ?> aggregator)
      implements CollectorAggregate<K, A> {
    @Override
    public <R> CollectorOutput<K, R> collect(
        KeyValueMapper<? super K, ? super A, ? extends R> collector) {
      Objects.requireNonNull(collector, "collector");
      return new Output<>(this, collector);
    }
  }

  private record Output<K, R>(Aggregate<?, ?> aggregate, KeyValueMapper<?, ?, ?> collector)
      implements CollectorOutput<K, R> {
    @Override
    public Flow to(Topic<K, R> topic) {
      Source<?, ?> source = aggregate.source();
      return new CollectorPlan(
          source.name(),
          source.options(),
          source.inputs(),
          aggregate.initial(),
          aggregate.aggregator(),
          collector,
          Objects.requireNonNull(topic, "topic"));
    }
  }
}
