package dev.flows.internal.plan;

import dev.flows.KeyValue;
import dev.flows.Message;
import dev.flows.PermanentException;
import dev.flows.Queue;
import dev.flows.Topic;
import dev.flows.dsl.KeyValueMapper;
import dev.flows.dsl.MessageMapper;
import dev.flows.dsl.MessagePredicate;
import dev.flows.dsl.RecordPredicate;
import dev.flows.dsl.SplitOutput;
import dev.flows.dsl.Splitter;
import dev.flows.dsl.TopicRouter;
import dev.flows.dsl.ValueMapper;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The nodes of stateless pipelines. Generic types are erased here: the DSL checked them. */
@SuppressWarnings({"unchecked", "rawtypes"})
final class Nodes {
  private Nodes() {}

  static Step mapValues(ValueMapper<?, ?> mapper) {
    ValueMapper<Object, Object> fn = (ValueMapper<Object, Object>) mapper;
    return new Step(
        "mapValues", next -> (scope, r) -> next.accept(scope, r.withValue(fn.apply(r.value()))));
  }

  static Step map(KeyValueMapper<?, ?, ?> mapper) {
    KeyValueMapper<Object, Object, KeyValue<?, ?>> fn = (KeyValueMapper) mapper;
    return new Step(
        "map", next -> (scope, r) -> emit(next, scope, r, fn.apply(r.key(), r.value())));
  }

  static Step mapMessage(MessageMapper<?, ?, ?> mapper) {
    MessageMapper<Object, Object, Message<?, ?>> fn = (MessageMapper) mapper;
    return new Step(
        "mapMessage", next -> (scope, r) -> next.accept(scope, returned(r, fn.apply(r))));
  }

  static Step filter(RecordPredicate<?, ?> predicate) {
    RecordPredicate<Object, Object> fn = (RecordPredicate<Object, Object>) predicate;
    return new Step(
        "filter",
        next ->
            (scope, r) -> {
              if (fn.test(r.key(), r.value())) {
                next.accept(scope, r);
              }
            });
  }

  static Step filterMessage(MessagePredicate<?, ?> predicate) {
    MessagePredicate<Object, Object> fn = (MessagePredicate<Object, Object>) predicate;
    return new Step(
        "filterMessage",
        next ->
            (scope, r) -> {
              if (fn.test(r)) {
                next.accept(scope, r);
              }
            });
  }

  static Step flatMap(KeyValueMapper<?, ?, ?> mapper) {
    KeyValueMapper<Object, Object, Iterable<KeyValue<?, ?>>> fn = (KeyValueMapper) mapper;
    return new Step(
        "flatMap",
        next ->
            (scope, r) -> {
              for (KeyValue<?, ?> kv : fn.apply(r.key(), r.value())) {
                emit(next, scope, r, kv);
              }
            });
  }

  static Step flatMapValues(ValueMapper<?, ?> mapper) {
    ValueMapper<Object, Iterable<?>> fn = (ValueMapper) mapper;
    return new Step(
        "flatMapValues",
        next ->
            (scope, r) -> {
              for (Object value : fn.apply(r.value())) {
                next.accept(scope, r.withValue(value));
              }
            });
  }

  static Step flatMapMessage(MessageMapper<?, ?, ?> mapper) {
    MessageMapper<Object, Object, Iterable<Message<?, ?>>> fn = (MessageMapper) mapper;
    return new Step(
        "flatMapMessage",
        next ->
            (scope, r) -> {
              Iterable<Message<?, ?>> all = fn.apply(r);
              if (all == null) {
                throw new NullPointerException(
                    "flatMapMessage's mapper returned null instead of a list of messages");
              }
              for (Message<?, ?> message : all) {
                next.accept(scope, returned(r, message));
              }
            });
  }

  static Node toTopic(Topic<?, ?> topic) {
    String name = topic.name();
    return (scope, r) ->
        scope.emit(
            name,
            Codec.encode(topic.keyFormat(), r.key()),
            Codec.encode(topic.valueFormat(), r.value()),
            r.headers(),
            r.timestamp());
  }

  /**
   * Writes each record to the topic {@code router} returns, which must be one of {@code topics} (by
   * name): another is the record's error, permanent, so it is dead-lettered at once.
   */
  static Node toAnyOf(List<? extends Topic<?, ?>> topics, TopicRouter<?, ?> router) {
    TopicRouter<Object, Object> fn = (TopicRouter) router;
    Map<String, Node> byName = new LinkedHashMap<>();
    topics.forEach(t -> byName.put(t.name(), toTopic(t)));
    return (scope, r) -> {
      Topic<?, ?> chosen = fn.route(r);
      Node node = chosen == null ? null : byName.get(chosen.name());
      if (node == null) {
        throw undeclared(chosen, byName.keySet());
      }
      node.accept(scope, r);
    };
  }

  /** The error of a router that chose a topic its flow did not declare. */
  static PermanentException undeclared(Topic<?, ?> chosen, Collection<String> declared) {
    return new PermanentException(
        "the topic router returned "
            + (chosen == null ? "null" : "topic " + chosen.name())
            + ", which is not one of the topics given to toAnyOf "
            + declared
            + ": declare every topic an output may go to in toAnyOf",
        null);
  }

  static Node toQueue(Queue<?> queue) {
    String name = queue.name();
    return (scope, r) ->
        scope.emit(
            name, null, Codec.encode(queue.valueFormat(), r.value()), r.headers(), r.timestamp());
  }

  static Node split(Topic<?, ?> first, Topic<?, ?> second, Splitter<?, ?, ?, ?, ?, ?> splitter) {
    Splitter<Object, Object, Object, Object, Object, Object> fn = (Splitter) splitter;
    Node toFirst = toTopic(first);
    Node toSecond = toTopic(second);
    return (scope, r) ->
        fn.split(r.key(), r.value(), new ScopedSplitOutput(scope, r, toFirst, toSecond));
  }

  /**
   * The record a message-returning function gave for {@code input}: its key, value, headers and
   * timestamp, at the input's coordinates.
   */
  static Message<Object, Object> returned(Message<Object, Object> input, Message<?, ?> output) {
    if (output == null) {
      throw new NullPointerException("the mapper returned null instead of a Message");
    }
    return new Message<>(
        input.topic(),
        input.partition(),
        input.offset(),
        output.timestamp(),
        output.key(),
        output.value(),
        output.headers());
  }

  private static void emit(
      Node next, RecordScope scope, Message<Object, Object> record, KeyValue<?, ?> kv)
      throws Exception {
    if (kv == null) {
      throw new NullPointerException("the mapper returned null instead of a KeyValue");
    }
    next.accept(scope, record.withKey((Object) kv.key()).withValue((Object) kv.value()));
  }

  /** Routes a splitter's outputs to the two topic nodes of the current record. */
  private record ScopedSplitOutput(
      RecordScope scope, Message<Object, Object> record, Node first, Node second)
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
        node.accept(scope, record.withKey(key).withValue(value));
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
