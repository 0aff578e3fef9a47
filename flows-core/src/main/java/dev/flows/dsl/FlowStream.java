package dev.flows.dsl;

import dev.flows.Flow;
import dev.flows.KeyValue;
import dev.flows.Message;
import dev.flows.Queue;
import dev.flows.Topic;
import java.util.List;

/**
 * A stream of records inside a stateless flow: stateless, at-least-once. Each operation returns a
 * new immutable step; {@link #to(Topic)}, {@link #toAnyOf}, {@link #split} or {@link #toQueue} ends
 * the flow. Output records keep the headers and timestamp of the input record they come from.
 *
 * <p>The {@code ...Message} variants ({@link #mapMessage}, {@link #filterMessage}, {@link
 * #flatMapMessage}) see the whole record as a {@link Message}: its input topic, partition and
 * offset (read-only context) and its key, value, headers and timestamp, which the messages they
 * return set for the steps after them and for the output. The topic, partition and offset of a
 * returned message are ignored.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface FlowStream<K, V> {

  /** Maps each value; the key stays. */
  <VR> FlowStream<K, VR> mapValues(ValueMapper<? super V, ? extends VR> mapper);

  /** Maps each record to a new key and value. */
  <KR, VR> FlowStream<KR, VR> map(
      KeyValueMapper<? super K, ? super V, ? extends KeyValue<? extends KR, ? extends VR>> mapper);

  /** Keeps the records for which the predicate holds. */
  FlowStream<K, V> filter(RecordPredicate<? super K, ? super V> predicate);

  /** Explodes each record into zero or more records (1:N). */
  <KR, VR> FlowStream<KR, VR> flatMap(
      KeyValueMapper<
              ? super K,
              ? super V,
              ? extends Iterable<? extends KeyValue<? extends KR, ? extends VR>>>
          mapper);

  /** Explodes each value into zero or more values with the same key (1:N). */
  <VR> FlowStream<K, VR> flatMapValues(
      ValueMapper<? super V, ? extends Iterable<? extends VR>> mapper);

  /**
   * Maps each record, seeing its context, to a new message: its key, value, headers and timestamp
   * are the output's, e.g. {@code m -> m.withValue(m.value() +
   * "!").withHeaders(m.headers().with("x", "1"))}.
   */
  <KR, VR> FlowStream<KR, VR> mapMessage(
      MessageMapper<? super K, ? super V, ? extends Message<? extends KR, ? extends VR>> mapper);

  /** Keeps the records for which the predicate, seeing each record's context, holds. */
  FlowStream<K, V> filterMessage(MessagePredicate<? super K, ? super V> predicate);

  /** Explodes each record, seeing its context, into zero or more messages (1:N). */
  <KR, VR> FlowStream<KR, VR> flatMapMessage(
      MessageMapper<
              ? super K,
              ? super V,
              ? extends Iterable<? extends Message<? extends KR, ? extends VR>>>
          mapper);

  /** Ends the flow: every record is written to {@code topic}. */
  Flow to(Topic<K, V> topic);

  /**
   * Ends the flow: each record is written to the one of {@code topics} that {@code router} chooses
   * for it at run time. Every topic is declared here, so {@code describe()} and the lineage show
   * all of them; a router returning another topic (or {@code null}) dead-letters the record at
   * once, naming the topic and the declared ones.
   *
   * @throws dev.flows.FlowDefinitionException if {@code topics} is empty or names a topic twice
   */
  Flow toAnyOf(List<Topic<K, V>> topics, TopicRouter<? super K, ? super V> router);

  /** Ends the flow: each record writes zero or more records to each of two typed topics (1:2). */
  <K1, V1, K2, V2> Flow split(
      Topic<K1, V1> first,
      Topic<K2, V2> second,
      Splitter<? super K, ? super V, K1, V1, K2, V2> splitter);

  /**
   * Ends the flow: every value becomes a task on {@code queue} (the key is not carried; headers
   * are). The batch's offsets are committed only after the task broker confirmed every task of the
   * batch: at-least-once, a replayed batch sends its tasks again. Needs a task queue in the runtime
   * ({@code FlowRuntime.builder(...).taskQueue(...)}).
   */
  Flow toQueue(Queue<V> queue);
}
