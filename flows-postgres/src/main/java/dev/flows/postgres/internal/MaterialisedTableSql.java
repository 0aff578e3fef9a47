package dev.flows.postgres.internal;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.TableSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The SQL of one materialised table. Names come validated from {@link TableSpec} (lower-case
 * identifiers) and are quoted into the text: identifiers cannot be bind parameters. Values travel
 * as one array per column, bound as {@code :c0, :c1, ...} in {@link TableSpec#allColumns()} order
 * and expanded by {@code unnest}; the delete binds the key and, if versioned, the source columns
 * under the same names. In a versioned table a delete is an upsert of a deleted marker: the key,
 * its source columns, the other columns NULL and the {@link MarkerColumns} saying it is one, since
 * now. {@link #insertNew} and {@link #markNew} are the same inserts without {@code ON CONFLICT},
 * for keys a probe ({@link KeyProbe}) of the same transaction found absent: nothing to guard, and
 * no speculative insertion.
 *
 * @param create creates the table if absent
 * @param upsert the set-based upsert of a batch's rows
 * @param delete the set-based delete (or, versioned, marking) of a batch's deletes by key
 * @param insertNew the plain insert of rows whose keys are absent, where {@link CopyRows} cannot
 *     copy them
 * @param markNew the plain insert of deleted markers whose keys are absent (versioned only, else
 *     null: deleting an absent key does nothing)
 */
record MaterialisedTableSql(
    String create, String upsert, String delete, String insertNew, String markNew) {

  static MaterialisedTableSql of(TableSpec spec) {
    String table = quote(spec.name());
    return new MaterialisedTableSql(
        create(spec, table),
        rows(spec, table, true),
        delete(spec, table),
        rows(spec, table, false),
        spec.versioned() ? markers(spec, table, false) : null);
  }

  /** The bind parameter of column {@code index} of {@link TableSpec#allColumns()}. */
  static String parameter(int index) {
    return "c" + index;
  }

  /**
   * The columns Flows keeps in a versioned table besides the offset column, name to definition
   * (none if not versioned): what {@link #create} makes and {@link MaterialisedTableUpgrade} adds.
   */
  static Map<String, String> keptColumns(TableSpec spec) {
    Map<String, String> kept = new LinkedHashMap<>();
    if (spec.versioned()) {
      kept.put(TableSpec.PARTITION_COLUMN, ColumnType.INTEGER.sql());
      kept.put(TableSpec.GENERATION_COLUMN, ColumnType.INTEGER.sql());
      kept.put(TableSpec.DELETED_COLUMN, "boolean NOT NULL DEFAULT false");
      kept.put(TableSpec.DELETED_AT_COLUMN, ColumnType.TIMESTAMPTZ.sql());
    }
    return kept;
  }

  /** The source columns a versioned table's rows end with: offset, partition, generation. */
  static List<Column> sourceColumns(TableSpec spec) {
    List<Column> all = spec.allColumns();
    return all.subList(all.size() - 3, all.size());
  }

  /**
   * The indexes in {@link TableSpec#allColumns()} of the columns a delete binds: the key columns
   * and, if versioned, the source columns.
   */
  static List<Integer> deleteColumns(TableSpec spec) {
    int all = spec.allColumns().size();
    List<Integer> indexes = new ArrayList<>();
    IntStream.range(0, spec.primaryKey().size()).forEach(indexes::add);
    if (spec.versioned()) {
      IntStream.range(all - 3, all).forEach(indexes::add);
    }
    return indexes;
  }

  private static String create(TableSpec spec, String table) {
    Map<String, String> columns = new LinkedHashMap<>();
    spec.allColumns().forEach(c -> columns.put(c.name(), c.type().sql()));
    columns.putAll(keptColumns(spec));
    return "CREATE TABLE IF NOT EXISTS "
        + table
        + " ("
        + columns.entrySet().stream()
            .map(c -> quote(c.getKey()) + " " + c.getValue())
            .collect(Collectors.joining(", "))
        + ", PRIMARY KEY ("
        + keyNames(spec, Function.identity())
        + "))";
  }

  private static String rows(TableSpec spec, String table, boolean onConflict) {
    List<Column> all = spec.allColumns();
    List<String> arrays =
        IntStream.range(0, all.size())
            .mapToObj(i -> array(parameter(i), all.get(i).type()))
            .toList();
    return insert(spec, table, all, arrays, false, onConflict);
  }

  private static String markers(TableSpec spec, String table, boolean onConflict) {
    List<Column> all = spec.allColumns();
    List<Integer> bound = deleteColumns(spec);
    return insert(
        spec,
        table,
        bound.stream().map(all::get).toList(),
        bound.stream().map(i -> array(parameter(i), all.get(i).type())).toList(),
        true,
        onConflict);
  }

  private static String delete(TableSpec spec, String table) {
    if (!spec.versioned()) {
      List<Column> all = spec.allColumns();
      List<Integer> bound = deleteColumns(spec);
      if (spec.primaryKey().size() == 1) {
        return "DELETE FROM "
            + table
            + " AS t WHERE t."
            + quote(all.get(0).name())
            + " = ANY("
            + array(parameter(0), all.get(0).type())
            + ")";
      }
      return "DELETE FROM "
          + table
          + " AS t USING unnest("
          + bound.stream()
              .map(i -> array(parameter(i), all.get(i).type()))
              .collect(Collectors.joining(", "))
          + ") AS d("
          + keyNames(spec, Function.identity())
          + ") WHERE "
          + keysEqual(spec, "t", "d");
    }
    return markers(spec, table, true);
  }

  /*
   * INSERT ... SELECT FROM unnest(...) ON CONFLICT (pk) DO UPDATE: one statement for the batch. The
   * WHERE of the update is the guard: a stored row (or marker) of the same partition with an equal
   * or newer (generation, offset) stays. Without onConflict, a plain insert.
   */
  private static String insert(
      TableSpec spec,
      String table,
      List<Column> columns,
      List<String> arrays,
      boolean deleted,
      boolean onConflict) {
    String names = columns.stream().map(c -> quote(c.name())).collect(Collectors.joining(", "));
    String flag = spec.versioned() ? ", " + MarkerColumns.values(deleted) : "";
    return "INSERT INTO "
        + table
        + " AS t ("
        + names
        + (spec.versioned() ? ", " + MarkerColumns.names() : "")
        + ") SELECT *"
        + flag
        + " FROM unnest("
        + String.join(", ", arrays)
        + ")"
        + (onConflict
            ? " ON CONFLICT (" + keyNames(spec, Function.identity()) + ") " + action(spec)
            : "");
  }

  private static String action(TableSpec spec) {
    List<String> updated = new ArrayList<>();
    List<Column> all = spec.allColumns();
    all.subList(spec.primaryKey().size(), all.size()).forEach(c -> updated.add(c.name()));
    if (spec.versioned()) {
      updated.addAll(MarkerColumns.NAMES);
    }
    if (updated.isEmpty()) {
      return "DO NOTHING";
    }
    return "DO UPDATE SET "
        + updated.stream()
            .map(c -> quote(c) + " = EXCLUDED." + quote(c))
            .collect(Collectors.joining(", "))
        + (spec.versioned() ? " WHERE " + guard(spec, "t", "EXCLUDED") : "");
  }

  /**
   * Whether a change (offset, partition, generation of {@code change}) may replace the stored row
   * {@code stored}: always over no offset or from another partition, else only if newer by
   * (generation, offset). An unknown partition (NULL, from a table written before the column
   * existed) counts as the same.
   */
  static String guard(TableSpec spec, String stored, String change) {
    String offset = quote(spec.offsetColumn());
    String partition = quote(TableSpec.PARTITION_COLUMN);
    String generation = quote(TableSpec.GENERATION_COLUMN);
    return "("
        + stored
        + "."
        + offset
        + " IS NULL OR "
        + stored
        + "."
        + partition
        + " <> "
        + change
        + "."
        + partition
        + " OR (coalesce("
        + stored
        + "."
        + generation
        + ", 0), "
        + stored
        + "."
        + offset
        + ") < (coalesce("
        + change
        + "."
        + generation
        + ", 0), "
        + change
        + "."
        + offset
        + "))";
  }

  /** {@code "k1", "k2"} with each quoted name passed through {@code qualify}. */
  static String keyNames(TableSpec spec, Function<String, String> qualify) {
    return spec.primaryKey().stream()
        .map(c -> qualify.apply(quote(c.name())))
        .collect(Collectors.joining(", "));
  }

  /** {@code a."k1" = b."k1" AND a."k2" = b."k2"}. */
  static String keysEqual(TableSpec spec, String a, String b) {
    return spec.primaryKey().stream()
        .map(c -> a + "." + quote(c.name()) + " = " + b + "." + quote(c.name()))
        .collect(Collectors.joining(" AND "));
  }

  /**
   * {@code :name::type[]}; timestamps and JSON travel as text arrays and are cast on the server.
   */
  static String array(String parameter, ColumnType type) {
    return switch (type) {
      case TIMESTAMPTZ, JSONB -> ":" + parameter + "::text[]::" + type.sql() + "[]";
      default -> ":" + parameter + "::" + type.sql() + "[]";
    };
  }

  static String quote(String identifier) {
    return '"' + identifier + '"';
  }
}
