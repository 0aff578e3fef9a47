package dev.flows.internal.plan;

import dev.flows.Message;
import dev.flows.StateUpdate;
import dev.flows.dsl.MessageStateFunction;
import dev.flows.dsl.StateFunction;
import java.util.ArrayList;
import java.util.List;

/**
 * A stateful step's function over decoded records, whichever DSL variant gave it: its outputs are
 * messages at the input record's coordinates, carrying the key, value, headers and timestamp they
 * are published with. Generic types are erased here: the DSL checked them.
 */
@FunctionalInterface
public interface StateCall {

  /**
   * The update for {@code record} given {@code state}, or {@code null} if the user's function
   * returned {@code null}; outputs of a plain {@link StateFunction} are keyed by {@code outputKey}
   * and carry the record's headers and timestamp.
   */
  StateUpdate<Object, Message<Object, Object>> apply(
      Message<Object, Object> record, Object state, Object outputKey) throws Exception;

  /** The call of a plain state function. */
  @SuppressWarnings("unchecked")
  static StateCall of(StateFunction<?, ?, ?, ?> function) {
    StateFunction<Object, Object, Object, Object> fn =
        (StateFunction<Object, Object, Object, Object>) function;
    return (record, state, outputKey) -> {
      StateUpdate<Object, Object> update = fn.apply(record.key(), record.value(), state);
      if (update == null) {
        return null;
      }
      return new StateUpdate<>(
          update.action(),
          update.state(),
          keyed(record, outputKey, update.outputs()),
          update.timer());
    };
  }

  /**
   * {@code values} as messages at {@code record}'s coordinates keyed by {@code key}: one message
   * each, and the most common update (one output) in a list {@link StateUpdate} keeps uncopied.
   */
  private static List<Message<Object, Object>> keyed(
      Message<Object, Object> record, Object key, List<Object> values) {
    if (values.size() == 1) {
      return List.of(at(record, key, values.get(0)));
    }
    List<Message<Object, Object>> outputs = new ArrayList<>(values.size());
    for (Object value : values) {
      outputs.add(at(record, key, value));
    }
    return outputs;
  }

  private static Message<Object, Object> at(
      Message<Object, Object> record, Object key, Object value) {
    return new Message<>(
        record.topic(),
        record.partition(),
        record.offset(),
        record.timestamp(),
        key,
        value,
        record.headers());
  }

  /** The call of a state function that takes and returns messages. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static StateCall ofMessages(MessageStateFunction<?, ?, ?, ?> function) {
    MessageStateFunction<Object, Object, Object, Object> fn = (MessageStateFunction) function;
    return (record, state, outputKey) -> {
      StateUpdate<Object, Message<Object, Object>> update = fn.apply(record, state);
      if (update == null) {
        return null;
      }
      List<Message<Object, Object>> outputs = new ArrayList<>(update.outputs().size());
      update.outputs().forEach(output -> outputs.add(Nodes.returned(record, output)));
      return new StateUpdate<>(update.action(), update.state(), outputs, update.timer());
    };
  }
}
