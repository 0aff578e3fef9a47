package dev.flows.postgres.internal;

import dev.flows.TableSpec;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The columns every write of a versioned table sets after the row's own: whether the row is a
 * deleted marker ({@value TableSpec#DELETED_COLUMN}) and since when ({@value
 * TableSpec#DELETED_AT_COLUMN}, the transaction's time, what the marker retention counts from; NULL
 * in a live row, so a row that replaces a marker clears it). Every statement that writes a row or a
 * marker (upserts, deletes by key, deletes by key columns) takes them from here.
 */
final class MarkerColumns {
  /** Their names, in the order {@link #values} gives them. */
  static final List<String> NAMES = List.of(TableSpec.DELETED_COLUMN, TableSpec.DELETED_AT_COLUMN);

  /** Their values in a live row as Java values, for a binary write: {@code false} and NULL. */
  static final List<Object> LIVE_VALUES = Arrays.asList(false, null);

  private static final List<String> MARKER = List.of("true", "now()");
  private static final List<String> LIVE = List.of("false", "NULL::timestamptz");

  private MarkerColumns() {}

  /** Their names quoted, comma-separated, for a column list. */
  static String names() {
    return NAMES.stream().map(MaterialisedTableSql::quote).collect(Collectors.joining(", "));
  }

  /** Their values for a select list: a marker written now, or a live row. */
  static String values(boolean marker) {
    return String.join(", ", marker ? MARKER : LIVE);
  }

  /** Their assignments for an {@code UPDATE}'s {@code SET}: a marker written now, or a live row. */
  static String assignments(boolean marker) {
    List<String> values = marker ? MARKER : LIVE;
    return IntStream.range(0, NAMES.size())
        .mapToObj(i -> MaterialisedTableSql.quote(NAMES.get(i)) + " = " + values.get(i))
        .collect(Collectors.joining(", "));
  }
}
