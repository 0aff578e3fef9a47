package dev.flows.internal.plan;

import dev.flows.Message;
import java.util.List;

/**
 * How a stateful step reads its input: plain topics, or a join's envelopes. The decoded record's
 * coordinates are the ones replays are recognised by.
 */
public interface StatefulInputs {

  /** Decodes a raw record; the result's topic, partition and offset are its dedupe coordinates. */
  Message<Object, Object> decode(Message<byte[], byte[]> raw);

  /** The persistence id of a decoded record. */
  String stateKey(Message<Object, Object> record) throws Exception;

  /** The state function for a decoded record. */
  StateCall function(Message<Object, Object> record);

  /** The key of the record's outputs. */
  Object outputKey(Message<Object, Object> record, String stateKey);

  /**
   * The topics whose coordinates {@link #decode} gives when they differ from the consumed record's
   * (a join's source topics, read through envelopes); empty when records are applied as consumed.
   */
  default List<String> originTopics() {
    return List.of();
  }

  /** Whether decoded records carry origin coordinates of their own: a join's envelopes. */
  default boolean carriesOrigin() {
    return !originTopics().isEmpty();
  }
}
