package dev.flows.dsl;

import dev.flows.Flow;
import dev.flows.KeyValue;
import dev.flows.Queue;
import dev.flows.Topic;

/**
 * A stream of records inside a stateless flow: stateless, at-least-once. Each operation returns a
 * new immutable step; {@link #to(Topic)} or {@link #split} ends the flow. Output records keep the
 * headers and timestamp of the input record they come from.
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

  /** Ends the flow: every record is written to {@code topic}. */
  Flow to(Topic<K, V> topic);

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
