package dev.flows.postgres;

import dev.flows.spi.StateRow;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Test rows and names. */
final class Rows {
  private Rows() {}

  /** A row whose progress and results are derived from its id; {@code state} may be null. */
  static StateRow row(String id, String state, long version) {
    return new StateRow(
        id, state == null ? null : bytes(state), 1, bytes("p-" + id), bytes("r-" + id), version);
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A table name no other test uses. */
  static String uniqueTable(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
