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

  /**
   * Deletes the rows of one page of {@code purge} (see {@link RowPurge}) in one short transaction
   * of its own and says how many it deleted and where the page ended. Each row is examined and
   * deleted as stored at that moment and kept locked in between, so a row a concurrent write
   * changes is either written first (and then no longer old enough) or deleted first (and the
   * write, at a version above 1, then meets no row: a conflict). A row a write holds is skipped,
   * never waited for. By default nothing is deleted.
   *
   * @throws dev.flows.FlowsException if the store fails; nothing is deleted then
   */
  default RowPurge.Page purge(RowPurge purge) {
    return RowPurge.Page.END;
  }

  /**
   * How many rows the table holds, or an estimate of it for a large table (PostgreSQL: the
   * planner's count, kept by {@code ANALYZE}); -1 if the store cannot tell (the default).
   */
  default long rows() {
    return -1;
  }
}
