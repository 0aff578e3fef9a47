package dev.flows.dsl;

import dev.flows.KeyValue;
import dev.flows.Message;
import java.util.List;

/**
 * Processes a whole microbatch at once, e.g. to call a bulk API. Its input keeps offset order per
 * partition. If it throws, the whole batch is retried, then dead-lettered, per the error policy.
 *
 * @param <K> input key type
 * @param <V> input value type
 * @param <KR> output key type
 * @param <VR> output value type
 */
@FunctionalInterface
public interface BatchFunction<K, V, KR, VR> {
  /** The outputs for one batch of decoded records. */
  List<? extends KeyValue<? extends KR, ? extends VR>> apply(List<Message<K, V>> batch)
      throws Exception;
}
