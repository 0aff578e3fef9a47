package dev.flows.internal.plan;

import dev.flows.KeyValue;
import dev.flows.Queue;
import dev.flows.Topic;
import dev.flows.dsl.KeyValueMapper;
import dev.flows.dsl.RecordPredicate;
import dev.flows.dsl.SplitOutput;
import dev.flows.dsl.Splitter;
import dev.flows.dsl.ValueMapper;

/** The nodes of stateless pipelines. Generic types are erased here: the DSL checked them. */
@SuppressWarnings({"unchecked", "rawtypes"})
final class Nodes {
  private Nodes() {}

  static Step mapValues(ValueMapper<?, ?> mapper) {
    ValueMapper<Object, Object> fn = (ValueMapper<Object, Object>) mapper;
    return new Step("mapValues", next -> (scope, k, v) -> next.accept(scope, k, fn.apply(v)));
  }

  static Step map(KeyValueMapper<?, ?, ?> mapper) {
    KeyValueMapper<Object, Object, KeyValue<?, ?>> fn = (KeyValueMapper) mapper;
    return new Step("map", next -> (scope, k, v) -> emit(next, scope, fn.apply(k, v)));
  }

  static Step filter(RecordPredicate<?, ?> predicate) {
    RecordPredicate<Object, Object> fn = (RecordPredicate<Object, Object>) predicate;
    return new Step(
        "filter",
        next ->
            (scope, k, v) -> {
              if (fn.test(k, v)) {
                next.accept(scope, k, v);
              }
            });
  }

  static Step flatMap(KeyValueMapper<?, ?, ?> mapper) {
    KeyValueMapper<Object, Object, Iterable<KeyValue<?, ?>>> fn = (KeyValueMapper) mapper;
    return new Step(
        "flatMap",
        next ->
            (scope, k, v) -> {
              for (KeyValue<?, ?> kv : fn.apply(k, v)) {
                emit(next, scope, kv);
              }
            });
  }

  static Step flatMapValues(ValueMapper<?, ?> mapper) {
    ValueMapper<Object, Iterable<?>> fn = (ValueMapper) mapper;
    return new Step(
        "flatMapValues",
        next ->
            (scope, k, v) -> {
              for (Object value : fn.apply(v)) {
                next.accept(scope, k, value);
              }
            });
  }

  static Node toTopic(Topic<?, ?> topic) {
    String name = topic.name();
    return (scope, k, v) ->
        scope.emit(name, Codec.encode(topic.keyFormat(), k), Codec.encode(topic.valueFormat(), v));
  }

  static Node toQueue(Queue<?> queue) {
    String name = queue.name();
    return (scope, k, v) -> scope.emit(name, null, Codec.encode(queue.valueFormat(), v));
  }

  static Node split(Topic<?, ?> first, Topic<?, ?> second, Splitter<?, ?, ?, ?, ?, ?> splitter) {
    Splitter<Object, Object, Object, Object, Object, Object> fn = (Splitter) splitter;
    Node toFirst = toTopic(first);
    Node toSecond = toTopic(second);
    return (scope, k, v) -> fn.split(k, v, new ScopedSplitOutput(scope, toFirst, toSecond));
  }

  private static void emit(Node next, RecordScope scope, KeyValue<?, ?> kv) throws Exception {
    if (kv == null) {
      throw new NullPointerException("the mapper returned null instead of a KeyValue");
    }
    next.accept(scope, kv.key(), kv.value());
  }

  /** Routes a splitter's outputs to the two topic nodes of the current record. */
  private record ScopedSplitOutput(RecordScope scope, Node first, Node second)
      implements SplitOutput<Object, Object, Object, Object> {
    @Override
    public void first(Object key, Object value) {
      acceptUnchecked(first, key, value);
    }

    @Override
    public void second(Object key, Object value) {
      acceptUnchecked(second, key, value);
    }

    private void acceptUnchecked(Node node, Object key, Object value) {
      try {
        node.accept(scope, key, value);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
