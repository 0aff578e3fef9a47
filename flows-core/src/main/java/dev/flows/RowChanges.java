package dev.flows;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The changes one record makes to a materialised table: what a {@link dev.flows.dsl.RowsMapper}
 * returns for a flow ending in {@link dev.flows.dsl.MaterialiseSource#intoRows intoRows}.
 * Immutable; the withers return copies.
 *
 * <p>A record's deletes apply before its upserts, so its upserts stay even where its deletes match
 * them. That makes the common shape one call: {@link #replace(Row, List)}, the rows a record owns
 * replaced by its new ones (an order's lines: every line of the order deleted, but those in the new
 * list, which are upserted).
 *
 * <pre>{@code
 * RowChanges.replace(Row.of("order_id", id), lines)        // the order's lines become these
 * RowChanges.replace(Row.of("order_id", id), List.of())    // a tombstone: the order has no lines
 * RowChanges.none().withUpsert(row).withDelete(Row.of("order_id", id).with("line_no", 3))
 * }</pre>
 *
 * <p>The runtime checks every row against the table before anything is written, and fails the
 * record (dead letter, stage {@code process}) naming the problem: an upsert must hold every primary
 * key column (non-null) and only the table's columns; a delete every primary key column and nothing
 * else; a delete-where one or more primary key columns and nothing else; values of the Java types
 * {@link ColumnType} names. The offset and source columns are set by the runtime.
 *
 * @param upserts rows to insert or replace, each holding every primary key column
 * @param deletes rows to delete by their full primary key (only the key columns)
 * @param deletesWhere deletes of every row whose key columns equal those given (one or more key
 *     columns, nothing else), e.g. {@code order_id = 7}: all of the order's lines
 */
public record RowChanges(List<Row> upserts, List<Row> deletes, List<Row> deletesWhere) {
  private static final RowChanges NONE = new RowChanges(List.of(), List.of(), List.of());

  /** Copies the lists, which must not hold {@code null}. */
  public RowChanges {
    upserts = copy("upserts", upserts);
    deletes = copy("deletes", deletes);
    deletesWhere = copy("deletesWhere", deletesWhere);
  }

  /** No change: the record leaves the table as it is. */
  public static RowChanges none() {
    return NONE;
  }

  /** Upserts {@code rows}, deleting nothing. */
  public static RowChanges of(List<Row> rows) {
    return new RowChanges(rows, List.of(), List.of());
  }

  /**
   * Replaces the rows {@code owner} matches by {@code rows}: deletes every row whose key columns
   * equal {@code owner}'s (e.g. {@code Row.of("order_id", 7L)}), but those {@code rows} upsert.
   * With no rows, deletes every row the owner matches: what a tombstone usually means.
   */
  public static RowChanges replace(Row owner, List<Row> rows) {
    return new RowChanges(rows, List.of(), List.of(Objects.requireNonNull(owner, "owner")));
  }

  /** A copy that also upserts {@code row}. */
  public RowChanges withUpsert(Row row) {
    return new RowChanges(plus(upserts, row), deletes, deletesWhere);
  }

  /** A copy that also deletes the row whose primary key is {@code key}. */
  public RowChanges withDelete(Row key) {
    return new RowChanges(upserts, plus(deletes, key), deletesWhere);
  }

  /** A copy that also deletes every row whose key columns equal {@code match}'s. */
  public RowChanges withDeleteWhere(Row match) {
    return new RowChanges(upserts, deletes, plus(deletesWhere, match));
  }

  /** Whether there is no change at all. */
  public boolean isEmpty() {
    return upserts.isEmpty() && deletes.isEmpty() && deletesWhere.isEmpty();
  }

  private static List<Row> plus(List<Row> rows, Row row) {
    List<Row> more = new ArrayList<>(rows.size() + 1);
    more.addAll(rows);
    more.add(Objects.requireNonNull(row, "row"));
    return more;
  }

  private static List<Row> copy(String name, List<Row> rows) {
    Objects.requireNonNull(rows, name);
    for (Row row : rows) {
      requireRow(name, row);
    }
    return List.copyOf(rows);
  }

  private static void requireRow(String name, Row row) {
    if (row == null) {
      throw new IllegalArgumentException(name + " holds a null row");
    }
  }
}
