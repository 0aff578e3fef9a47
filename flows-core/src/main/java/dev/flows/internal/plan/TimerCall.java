package dev.flows.internal.plan;

import dev.flows.FlowsException;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.dsl.TimerFunction;
import java.time.Instant;

/**
 * A stateful flow's timer function, with the format its timers keep their key in (the first input's
 * key format: every input has the same key type). Generic types are erased here: the DSL checked
 * them.
 *
 * @param function the user's function
 * @param keyTopic the input whose key format encodes a timer's key
 * @param wallClock whether timers are set in wall-clock time (the runtime's clock), not in event
 *     time (docs/semantics.md, "Timers")
 */
public record TimerCall(
    TimerFunction<Object, Object, Object> function, Topic<?, ?> keyTopic, boolean wallClock) {

  /** The same timers in wall-clock time. */
  public TimerCall onWallClock() {
    return new TimerCall(function, keyTopic, true);
  }

  /** The key as a timer keeps it. */
  public byte[] encodeKey(Object key) {
    return Codec.encode(keyTopic.keyFormat(), key);
  }

  /**
   * The update of the timer of {@code key} (as {@link #encodeKey} kept it) firing at {@code at},
   * given {@code state}; its outputs are values keyed by the key.
   */
  public Fired fire(byte[] key, Object state, long at) throws Exception {
    Object decoded = Codec.decode(keyTopic.keyFormat(), key, "the key of a timer");
    StateUpdate<Object, Object> update = function.onTimer(decoded, state, Instant.ofEpochMilli(at));
    if (update == null) {
      throw new FlowsException("the timer function returned null; return StateUpdate.keep()");
    }
    return new Fired(decoded, update);
  }

  /** What a firing decided, and the key it decided for. */
  public record Fired(Object key, StateUpdate<Object, Object> update) {}
}
