package dev.flows.postgres.internal;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.TableSpec;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The SQL of one materialised table. Names come validated from {@link TableSpec} (lower-case
 * identifiers) and are quoted into the text: identifiers cannot be bind parameters. Values travel
 * as one array per column, bound as {@code :c0, :c1, ...} in {@link TableSpec#allColumns()} order
 * and expanded by {@code unnest}; the delete binds {@code :keys} and, if versioned, {@code
 * :offsets}.
 *
 * @param create creates the table if absent
 * @param upsert the set-based upsert of a batch's rows
 * @param delete the set-based delete of a batch's tombstones
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

  private static String create(TableSpec spec, String table) {
    List<Column> all = spec.allColumns();
    String columns =
        IntStream.range(0, all.size())
            .mapToObj(
                i ->
                    quote(all.get(i).name())
                        + " "
                        + all.get(i).type().sql()
                        + (i == 0 ? " PRIMARY KEY" : ""))
            .collect(Collectors.joining(", "));
    return "CREATE TABLE IF NOT EXISTS " + table + " (" + columns + ")";
  }

  /*
   * INSERT ... SELECT FROM unnest(...) ON CONFLICT (pk) DO UPDATE: one statement for the batch. The
   * WHERE of the update is the guard: a stored row of the same partition with an equal or newer
   * (generation, offset) stays.
   */
  private static String upsert(TableSpec spec, String table) {
    List<Column> all = spec.allColumns();
    String names = all.stream().map(c -> quote(c.name())).collect(Collectors.joining(", "));
    String arrays =
        IntStream.range(0, all.size())
            .mapToObj(i -> array(parameter(i), all.get(i).type()))
            .collect(Collectors.joining(", "));
    List<Column> updated = all.subList(1, all.size());
    String action =
        updated.isEmpty()
            ? "DO NOTHING"
            : "DO UPDATE SET "
                + updated.stream()
                    .map(c -> quote(c.name()) + " = EXCLUDED." + quote(c.name()))
                    .collect(Collectors.joining(", "))
                + (spec.versioned()
                    ? " WHERE "
                        + guard(
                            "EXCLUDED." + quote(spec.offsetColumn()),
                            "EXCLUDED." + quote(TableSpec.PARTITION_COLUMN),
                            "EXCLUDED." + quote(TableSpec.GENERATION_COLUMN),
                            spec)
                    : "");
    return "INSERT INTO "
        + table
        + " AS t ("
        + names
        + ") SELECT * FROM unnest("
        + arrays
        + ")"
        + " ON CONFLICT ("
        + quote(spec.primaryKey().name())
        + ") "
        + action;
  }

  private static String delete(TableSpec spec, String table) {
    String pk = quote(spec.primaryKey().name());
    String keys = array("keys", spec.primaryKey().type());
    if (!spec.versioned()) {
      return "DELETE FROM " + table + " AS t WHERE t." + pk + " = ANY(" + keys + ")";
    }
    return "DELETE FROM "
        + table
        + " AS t USING unnest("
        + keys
        + ", :offsets::bigint[], :partitions::integer[], :generations::integer[]) AS d (k, o, p, g)"
        + " WHERE t."
        + pk
        + " = d.k AND "
        + guard("d.o", "d.p", "d.g", spec);
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
