package dev.flows.postgres.internal;

import dev.flows.FlowsException;
import dev.flows.TableSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * Brings a versioned table that an earlier version created (primary key, columns, offset column) up
 * to the columns this version keeps, so it goes on working without an operator. The added source
 * columns are NULL in old rows, which the guard reads as "same partition, generation 0": exactly
 * the old offset comparison; {@code deleted} is added false, so no old row is a marker. Markers
 * written before {@code deleted_at} existed get the upgrade's time, so the retention counts from
 * then. The catalog is read first, so a table already up to date takes no lock.
 */
final class MaterialisedTableUpgrade {
  private static final String PRESENT =
      "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(:table::text)"
          + " AND attname = ANY(:columns) AND attnum > 0 AND NOT attisdropped";

  private MaterialisedTableUpgrade() {}

  /** Adds the columns of {@code spec} that table lacks; fails naming the statement to run. */
  static void addMissingColumns(Jdbi jdbi, TableSpec spec) {
    Map<String, String> kept = MaterialisedTableSql.keptColumns(spec);
    List<String> names = List.copyOf(kept.keySet());
    String table = '"' + spec.name() + '"';
    List<String> present =
        Databases.call(
            "materialised table " + spec.name(),
            "read its columns",
            () ->
                jdbi.withHandle(
                    h ->
                        h.createQuery(PRESENT)
                            .bind("table", table)
                            .bindArray("columns", String.class, names)
                            .mapTo(String.class)
                            .list()));
    List<String> missing = names.stream().filter(c -> !present.contains(c)).toList();
    if (!missing.isEmpty()) {
      List<String> statements = new ArrayList<>(List.of(alter(table, missing, kept)));
      if (missing.contains(TableSpec.DELETED_AT_COLUMN)
          && !missing.contains(TableSpec.DELETED_COLUMN)) {
        statements.add(
            "UPDATE "
                + table
                + " SET \""
                + TableSpec.DELETED_AT_COLUMN
                + "\" = now() WHERE \""
                + TableSpec.DELETED_COLUMN
                + "\"");
      }
      add(jdbi, spec, statements);
    }
  }

  private static void add(Jdbi jdbi, TableSpec spec, List<String> statements) {
    try {
      jdbi.useTransaction(h -> statements.forEach(h::execute));
    } catch (JdbiException e) {
      throw new FlowsException(
          "materialised table "
              + spec.name()
              + " was created by an earlier Flows version, without the source columns a versioned"
              + " table keeps, and they cannot be added ("
              + e.getMessage()
              + "): run "
              + String.join("; ", statements)
              + " as the table's owner",
          e);
    }
  }

  private static String alter(String table, List<String> missing, Map<String, String> kept) {
    return "ALTER TABLE "
        + table
        + " "
        + missing.stream()
            .map(c -> "ADD COLUMN IF NOT EXISTS \"" + c + "\" " + kept.get(c))
            .collect(Collectors.joining(", "));
  }
}
