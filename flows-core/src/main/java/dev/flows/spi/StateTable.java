package dev.flows.spi;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One flow's keyed state. Thread-safe. Writes are optimistic and per row: a row is written only if
 * the stored version is exactly one less than the row's version, which fences out stale writers.
 */
public interface StateTable {

  /** The stored rows among {@code ids}; absent ids are missing from the map. */
  Map<String, StateRow> load(Collection<String> ids);

  /**
   * Writes each row whose stored version is {@code version - 1} (absent counts as 0) and whose data
   * the store can hold, each atomically; the others are not written and are returned as conflicts
   * or as refused with the reason. Rows may be committed in more than one transaction. A failure of
   * the store itself (connection, timeout) throws, and then any subset of the rows may be written.
   *
   * @param rows at most one row per id
   */
  WriteResult write(List<StateRow> rows);
}
