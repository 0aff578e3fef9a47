package dev.flows.dsl;

import dev.flows.Message;
import dev.flows.StateUpdate;

/**
 * A {@link StateFunction} that sees the whole record (its topic, partition, offset, timestamp and
 * headers) and returns its outputs as messages, so each output can carry a key, headers and a
 * timestamp of its own. {@code message.withValue(v)} is an output keyed, stamped and with headers
 * as the input; change them with the message's withers. The output's topic, partition and offset
 * are ignored: the flow's {@code to}, {@code split} or {@code toAnyOf} chooses where it goes.
 *
 * <p>Each output is stored with the state change until it is known published, exactly as it was
 * first encoded (key, value, headers, timestamp, topic), so an output re-emitted after a crash is
 * the same record.
 *
 * @param <K> the record key type
 * @param <V> the record value type
 * @param <S> the state type
 * @param <O> the output value type
 */
@FunctionalInterface
public interface MessageStateFunction<K, V, S, O> {
  /** The update for {@code message} given its persistence id's current {@code state}. */
  StateUpdate<S, Message<K, O>> apply(Message<K, V> message, S state) throws Exception;
}
