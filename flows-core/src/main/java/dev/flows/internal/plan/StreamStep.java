package dev.flows.internal.plan;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.Guarantee;
import dev.flows.KeyValue;
import dev.flows.Message;
import dev.flows.Queue;
import dev.flows.Topic;
import dev.flows.dsl.BatchFunction;
import dev.flows.dsl.FlowStream;
import dev.flows.dsl.KeyValueMapper;
import dev.flows.dsl.MessageMapper;
import dev.flows.dsl.MessagePredicate;
import dev.flows.dsl.RecordPredicate;
import dev.flows.dsl.SourceStream;
import dev.flows.dsl.Splitter;
import dev.flows.dsl.TopicRouter;
import dev.flows.dsl.ValueMapper;
import java.util.List;
import java.util.Objects;

/** The immutable step of a stateless chain; every operation returns a new step. */
@SuppressWarnings("unchecked")
final class StreamStep<K, V> implements SourceStream<K, V> {
  private final Draft draft;

  StreamStep(Draft draft) {
    this.draft = draft;
  }

  @Override
  public SourceStream<K, V> merge(Topic<K, V> other) {
    Objects.requireNonNull(other, "topic");
    if (draft.inputs().stream().anyMatch(t -> t.name().equals(other.name()))) {
      throw FlowDefinitionException.of(
          "merge", other.name(), "is already an input of " + draft.name(), "merge each topic once");
    }
    return new StreamStep<>(draft.withInput(other));
  }

  @Override
  public <KR, VR> FlowStream<KR, VR> batch(BatchFunction<K, V, KR, VR> function) {
    Objects.requireNonNull(function, "function");
    return new StreamStep<>(
        draft.withBatch((BatchFunction<Object, Object, Object, Object>) (Object) function));
  }

  @Override
  public <VR> FlowStream<K, VR> mapValues(ValueMapper<? super V, ? extends VR> mapper) {
    return next(Nodes.mapValues(Objects.requireNonNull(mapper, "mapper")));
  }

  @Override
  public <KR, VR> FlowStream<KR, VR> map(
      KeyValueMapper<? super K, ? super V, ? extends KeyValue<? extends KR, ? extends VR>> mapper) {
    return next(Nodes.map(Objects.requireNonNull(mapper, "mapper")));
  }

  @Override
  public FlowStream<K, V> filter(RecordPredicate<? super K, ? super V> predicate) {
    return next(Nodes.filter(Objects.requireNonNull(predicate, "predicate")));
  }

  @Override
  public <KR, VR> FlowStream<KR, VR> flatMap(
      KeyValueMapper<
              ? super K,
              ? super V,
              ? extends Iterable<? extends KeyValue<? extends KR, ? extends VR>>>
          mapper) {
    return next(Nodes.flatMap(Objects.requireNonNull(mapper, "mapper")));
  }

  @Override
  public <VR> FlowStream<K, VR> flatMapValues(
      ValueMapper<? super V, ? extends Iterable<? extends VR>> mapper) {
    return next(Nodes.flatMapValues(Objects.requireNonNull(mapper, "mapper")));
  }

  @Override
  public <KR, VR> FlowStream<KR, VR> mapMessage(
      MessageMapper<? super K, ? super V, ? extends Message<? extends KR, ? extends VR>> mapper) {
    return next(Nodes.mapMessage(Objects.requireNonNull(mapper, "mapper")));
  }

  @Override
  public FlowStream<K, V> filterMessage(MessagePredicate<? super K, ? super V> predicate) {
    return next(Nodes.filterMessage(Objects.requireNonNull(predicate, "predicate")));
  }

  @Override
  public <KR, VR> FlowStream<KR, VR> flatMapMessage(
      MessageMapper<
              ? super K,
              ? super V,
              ? extends Iterable<? extends Message<? extends KR, ? extends VR>>>
          mapper) {
    return next(Nodes.flatMapMessage(Objects.requireNonNull(mapper, "mapper")));
  }

  @Override
  public Flow toAnyOf(List<Topic<K, V>> topics, TopicRouter<? super K, ? super V> router) {
    Objects.requireNonNull(router, "router");
    List<Topic<?, ?>> declared = AnyOfTopics.check(draft.name(), topics);
    return new StatelessPlan(draft, new Terminal(Nodes.toAnyOf(declared, router), declared));
  }

  @Override
  public Flow to(Topic<K, V> topic) {
    Objects.requireNonNull(topic, "topic");
    return new StatelessPlan(draft, new Terminal(Nodes.toTopic(topic), List.of(topic)));
  }

  @Override
  public <K1, V1, K2, V2> Flow split(
      Topic<K1, V1> first,
      Topic<K2, V2> second,
      Splitter<? super K, ? super V, K1, V1, K2, V2> splitter) {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(second, "second");
    Objects.requireNonNull(splitter, "splitter");
    return new StatelessPlan(
        draft, new Terminal(Nodes.split(first, second, splitter), List.of(first, second)));
  }

  @Override
  public Flow toQueue(Queue<V> queue) {
    Objects.requireNonNull(queue, "queue");
    StatelessPlan plan =
        new StatelessPlan(draft, new Terminal(Nodes.toQueue(queue), List.of(), List.of(queue)));
    if (plan.deadLetterTopic().equals(queue.name())) {
      throw FlowDefinitionException.of(
          "queue name",
          queue.name(),
          "is the dead-letter topic of " + draft.name(),
          "name the queue differently");
    }
    if (draft.options().guarantee() == Guarantee.EXACTLY_ONCE) {
      throw FlowDefinitionException.of(
          "guarantee",
          Guarantee.EXACTLY_ONCE,
          "cannot hold for flow " + draft.name() + ": " + plan.exactlyOnceRefusal(),
          "use Guarantee.AT_LEAST_ONCE and make the task idempotent, or publish to a topic");
    }
    return plan;
  }

  private <KR, VR> StreamStep<KR, VR> next(Step step) {
    return new StreamStep<>(draft.withStep(step));
  }
}
