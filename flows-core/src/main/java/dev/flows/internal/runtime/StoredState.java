package dev.flows.internal.runtime;

import dev.flows.FormatException;
import dev.flows.StateSpec;
import dev.flows.internal.plan.Codec;
import dev.flows.internal.state.StateCodec;
import dev.flows.spi.StateRow;

/**
 * One row's state while a batch changes it: decoded (and upgraded from an older format version)
 * only when a record needs it, and written back in the spec's format only if it was. A state that
 * does not decode stays as stored, byte for byte, and fails each record that needs it.
 */
final class StoredState {
  private final StateSpec<?> spec;
  private final String id;
  private final StateRow row;
  private boolean decoded;
  private Object value;
  private FormatException undecodable;

  StoredState(StateSpec<?> spec, String id, StateRow row) {
    this.spec = spec;
    this.id = id;
    this.row = row;
  }

  /**
   * The state now: the initial state for a new or deleted row.
   *
   * @throws FormatException if the stored state does not decode (the key's problem)
   * @throws dev.flows.FlowsException if a newer build wrote it (retried)
   */
  Object current() {
    if (undecodable != null) {
      throw undecodable;
    }
    if (!decoded) {
      try {
        value = stored();
      } catch (FormatException e) {
        undecodable = e;
        throw e;
      }
      decoded = true;
    }
    return value != null ? value : spec.initial().get();
  }

  /** Replaces the state; {@code null} deletes it. */
  void set(Object next) {
    decoded = true;
    value = next;
  }

  /** The bytes to write. */
  byte[] encoded() {
    return decoded ? Codec.encode(spec.format(), value) : storedBytes();
  }

  /** The format version of {@link #encoded()}. */
  int encodedVersion() {
    return decoded || row == null ? spec.version() : row.stateVersion();
  }

  private Object stored() {
    byte[] bytes = storedBytes();
    return bytes == null ? null : StateCodec.decode(spec, row.stateVersion(), bytes, id);
  }

  private byte[] storedBytes() {
    return row == null ? null : row.state();
  }
}
