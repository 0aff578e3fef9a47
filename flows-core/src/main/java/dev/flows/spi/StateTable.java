package dev.flows.spi;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One flow's keyed state. Thread-safe. Writes are optimistic: a row is written only if the stored
 * version is exactly one less than the row's version, which fences out stale writers.
 */
public interface StateTable {

  /** The stored rows among {@code ids}; absent ids are missing from the map. */
  Map<String, StateRow> load(Collection<String> ids);

  /**
   * Writes all rows in one transaction. If any row's stored version is not {@code version - 1}
   * (absent counts as 0), nothing is written and the ids in conflict are returned; otherwise the
   * empty set.
   */
  Set<String> write(List<StateRow> rows);
}
