package dev.flows.spi;

import java.util.Map;
import java.util.Set;

/**
 * What a {@link StateTable#write} did. Rows in neither set were written.
 *
 * @param conflicts ids whose stored version was not the row's version - 1: not written
 * @param refused ids whose row the store refused for its own data (a value the database cannot
 *     hold), with the store's reason: not written
 */
public record WriteResult(Set<String> conflicts, Map<String, String> refused) {
  /** Every row written. */
  public static final WriteResult ALL_WRITTEN = new WriteResult(Set.of(), Map.of());

  /** Copies the parts. */
  public WriteResult {
    conflicts = Set.copyOf(conflicts);
    refused = Map.copyOf(refused);
  }

  /** Whether every row was written. */
  public boolean allWritten() {
    return conflicts.isEmpty() && refused.isEmpty();
  }
}
