package dev.flows.internal.state;

import dev.flows.FlowsException;
import dev.flows.FormatException;
import dev.flows.StateSpec;
import dev.flows.internal.plan.Codec;

/** Decodes stored states of any format version a {@link StateSpec} knows, upgrading old ones. */
public final class StateCodec {
  private StateCodec() {}

  /**
   * The state of {@code id} stored as {@code bytes} in format version {@code version}, as a state
   * of {@code spec}. Runs for every row a batch applies to, so a failure alone names the row.
   *
   * @throws FormatException if the bytes do not decode, or an upgrade fails: the row's own problem
   * @throws FlowsException if {@code version} is newer than {@code spec}'s: a newer build wrote it,
   *     which retrying (after the rollout) solves
   */
  public static Object decode(StateSpec<?> spec, int version, byte[] bytes, String id) {
    return decode(spec, version, bytes, new Row(id, spec.table()));
  }

  /** Which row a state is of, described only for a failure. */
  private record Row(String id, String table) {
    @Override
    public String toString() {
      return "stored state of " + id + " in " + table;
    }
  }

  private static Object decode(StateSpec<?> spec, int version, byte[] bytes, Row row) {
    if (version > spec.version() || version < 1) {
      throw new FlowsException(
          row
              + " has state format version "
              + version
              + ", but this flow's StateSpec "
              + spec.name()
              + " reads versions 1 to "
              + spec.version()
              + (version > spec.version()
                  ? ": a newer build wrote it; finish rolling out that build (or roll it back"
                      + " together with its rows)"
                  : ": the row is corrupt"));
    }
    if (version == spec.version()) {
      return decodeCurrent(spec, bytes, row);
    }
    Object older = decode(spec.upgrade().from(), version, bytes, row);
    try {
      Object upgraded = older == null ? null : spec.upgrade().convert().apply(older);
      if (older != null && upgraded == null) {
        throw new FormatException("the upgrade returned null", null);
      }
      return upgraded;
    } catch (RuntimeException e) {
      throw new FormatException(
          "cannot upgrade "
              + row
              + " from format version "
              + version
              + " to "
              + spec.version()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static Object decodeCurrent(StateSpec<?> spec, byte[] bytes, Row row) {
    try {
      return Codec.decodeOrThrow(spec.format(), bytes);
    } catch (RuntimeException e) {
      throw Codec.failure(spec.format(), row.toString(), e);
    }
  }
}
