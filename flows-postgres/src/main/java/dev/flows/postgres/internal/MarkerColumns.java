package dev.flows.postgres.internal;

import dev.flows.TableSpec;
import java.util.List;

/**
 * The columns every write of a versioned table sets after the row's own: whether the row is a
 * deleted marker ({@value TableSpec#DELETED_COLUMN}) and since when ({@value
 * TableSpec#DELETED_AT_COLUMN}, the transaction's time, what the marker retention counts from; NULL
 * in a live row, so a row that replaces a marker clears it).
 */
final class MarkerColumns {
  /** Their names, in the order {@link #values} gives them. */
  static final List<String> NAMES = List.of(TableSpec.DELETED_COLUMN, TableSpec.DELETED_AT_COLUMN);

  private MarkerColumns() {}

  /** Their names quoted, comma-separated, for a column list. */
  static String names() {
    return "\"" + TableSpec.DELETED_COLUMN + "\", \"" + TableSpec.DELETED_AT_COLUMN + "\"";
  }

  /** Their values for a select list: a marker written now, or a live row. */
  static String values(boolean marker) {
    return marker ? "true, now()" : "false, NULL::timestamptz";
  }
}
