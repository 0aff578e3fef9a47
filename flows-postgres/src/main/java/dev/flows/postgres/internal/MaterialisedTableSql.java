package dev.flows.postgres.internal;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.TableSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The SQL of one materialised table. Names come validated from {@link TableSpec} (lower-case
 * identifiers) and are quoted into the text: identifiers cannot be bind parameters. Values travel
 * as one array per column, bound as {@code :c0, :c1, ...} in {@link TableSpec#allColumns()} order
 * and expanded by {@code unnest}; the delete binds {@code :keys} and, if versioned, {@code
 * :offsets, :partitions, :generations}. In a versioned table a delete is an upsert of a deleted
 * marker: the key, its source columns, the other columns NULL and the {@link MarkerColumns} saying
 * it is one, since now.
 *
 * @param create creates the table if absent
 * @param upsert the set-based upsert of a batch's rows
 * @param delete the set-based delete (or, versioned, marking) of a batch's tombstones
 */
record MaterialisedTableSql(String create, String upsert, String delete) {

  static MaterialisedTableSql of(TableSpec spec) {
    String table = quote(spec.name());
    return new MaterialisedTableSql(create(spec, table), upsert(spec, table), delete(spec, table));
  }

  /** The bind parameter of column {@code index}. */
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

  private static String create(TableSpec spec, String table) {
    Map<String, String> columns = new LinkedHashMap<>();
    spec.allColumns().forEach(c -> columns.put(c.name(), c.type().sql()));
    columns.putAll(keptColumns(spec));
    columns.put(spec.primaryKey().name(), spec.primaryKey().type().sql() + " PRIMARY KEY");
    return "CREATE TABLE IF NOT EXISTS "
        + table
        + " ("
        + columns.entrySet().stream()
            .map(c -> quote(c.getKey()) + " " + c.getValue())
            .collect(Collectors.joining(", "))
        + ")";
  }

  private static String upsert(TableSpec spec, String table) {
    List<Column> all = spec.allColumns();
    List<String> arrays =
        IntStream.range(0, all.size())
            .mapToObj(i -> array(parameter(i), all.get(i).type()))
            .toList();
    return insert(spec, table, all, arrays, false);
  }

  private static String delete(TableSpec spec, String table) {
    String pk = quote(spec.primaryKey().name());
    String keys = array("keys", spec.primaryKey().type());
    if (!spec.versioned()) {
      return "DELETE FROM " + table + " AS t WHERE t." + pk + " = ANY(" + keys + ")";
    }
    List<Column> marker = new ArrayList<>(sourceColumns(spec));
    marker.add(0, spec.primaryKey());
    return insert(
        spec,
        table,
        marker,
        List.of(keys, ":offsets::bigint[]", ":partitions::integer[]", ":generations::integer[]"),
        true);
  }

  /*
   * INSERT ... SELECT FROM unnest(...) ON CONFLICT (pk) DO UPDATE: one statement for the batch. The
   * WHERE of the update is the guard: a stored row (or marker) of the same partition with an equal
   * or newer (generation, offset) stays.
   */
  private static String insert(
      TableSpec spec, String table, List<Column> columns, List<String> arrays, boolean deleted) {
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
        + ") ON CONFLICT ("
        + quote(spec.primaryKey().name())
        + ") "
        + action(spec);
  }

  private static String action(TableSpec spec) {
    List<String> updated = new ArrayList<>();
    spec.allColumns().subList(1, spec.allColumns().size()).forEach(c -> updated.add(c.name()));
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
        + (spec.versioned()
            ? " WHERE "
                + guard(
                    "EXCLUDED." + quote(spec.offsetColumn()),
                    "EXCLUDED." + quote(TableSpec.PARTITION_COLUMN),
                    "EXCLUDED." + quote(TableSpec.GENERATION_COLUMN),
                    spec)
            : "");
  }

  /**
   * Whether a change (offset, partition, generation) may replace the stored row {@code t}: always
   * over no offset or from another partition, else only if newer by (generation, offset). An
   * unknown partition (NULL, from a table written before the column existed) counts as the same.
   */
  private static String guard(String offset, String partition, String generation, TableSpec spec) {
    String stored = "t." + quote(spec.offsetColumn());
    String storedPartition = "t." + quote(TableSpec.PARTITION_COLUMN);
    String storedGeneration = "t." + quote(TableSpec.GENERATION_COLUMN);
    return "("
        + stored
        + " IS NULL OR "
        + storedPartition
        + " <> "
        + partition
        + " OR (coalesce("
        + storedGeneration
        + ", 0), "
        + stored
        + ") < (coalesce("
        + generation
        + ", 0), "
        + offset
        + "))";
  }

  /**
   * {@code :name::type[]}; timestamps and JSON travel as text arrays and are cast on the server.
   */
  private static String array(String parameter, ColumnType type) {
    return switch (type) {
      case TIMESTAMPTZ, JSONB -> ":" + parameter + "::text[]::" + type.sql() + "[]";
      default -> ":" + parameter + "::" + type.sql() + "[]";
    };
  }

  private static String quote(String identifier) {
    return '"' + identifier + '"';
  }
}
