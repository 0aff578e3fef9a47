package dev.flows.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * One page of a {@link StateTable#purge}: among the rows last written at least {@code olderThan}
 * ago (by the store's clock) whose id comes after {@code after}, the first {@code limit} in id
 * order are examined, and those whose progress {@code behind} accepts are deleted. The runtime's
 * {@code behind} says whether every record the row applied is behind the flow's committed offsets,
 * so no replay can reach the row again.
 *
 * @param olderThan the state's retention
 * @param behind given a row's id and encoded progress, whether it may go
 * @param after the last id of the previous page, {@code null} for the first page
 * @param limit the most rows one call examines, at least 1
 */
public record RowPurge(
    Duration olderThan, BiPredicate<String, byte[]> behind, String after, int limit) {

  /** Validates. */
  public RowPurge {
    Objects.requireNonNull(olderThan, "olderThan");
    Objects.requireNonNull(behind, "behind");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
  }

  /** The next page: the rows after {@code last}. */
  public RowPurge after(String last) {
    return new RowPurge(olderThan, behind, last, limit);
  }

  /**
   * What one call did.
   *
   * @param deleted how many rows it deleted
   * @param last the last id it examined, the {@code after} of the next page; {@code null} when it
   *     examined fewer than the limit: the purge reached the end of the table
   */
  public record Page(int deleted, String last) {
    /** Nothing deleted, the end of the table. */
    public static final Page END = new Page(0, null);
  }
}
