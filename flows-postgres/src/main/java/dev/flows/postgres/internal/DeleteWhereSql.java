package dev.flows.postgres.internal;

import static dev.flows.postgres.internal.MaterialisedTableSql.array;
import static dev.flows.postgres.internal.MaterialisedTableSql.guard;
import static dev.flows.postgres.internal.MaterialisedTableSql.keyNames;
import static dev.flows.postgres.internal.MaterialisedTableSql.keysEqual;
import static dev.flows.postgres.internal.MaterialisedTableSql.quote;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.TableSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The one statement that applies a batch's deletes by key columns (delete-wheres) to the rows
 * stored before it, for the key column sets they name. Each set's deletes travel as arrays expanded
 * by {@code unnest} and are joined to the table on its columns (an index scan when they lead the
 * primary key), skipping deleted markers and the rows whose key is bound as excluded (the batch's
 * upserts and deletes write those). In a versioned table the matched rows become deleted markers
 * with the source of the first delete-where, in batch order ({@code _n}), whose guard lets it
 * through ({@code DISTINCT ON}); the guard is checked again on the row updated, so a row a
 * concurrent writer made newer stays. Elsewhere the matched rows are deleted.
 *
 * <pre>{@code
 * UPDATE "t" AS t SET "qty" = NULL, "updated_offset" = m."updated_offset", ..., "deleted" = true,
 *     "deleted_at" = now()
 *   FROM (SELECT DISTINCT ON (u."order_id", u."line_no") * FROM (
 *       SELECT x."order_id", x."line_no", w."updated_offset", w."source_partition", w."source_generation", w._n
 *       FROM unnest(:w0_0::text[], :w0_s0::bigint[], :w0_s1::integer[], :w0_s2::integer[], :w0_n::integer[])
 *         AS w("order_id", "updated_offset", "source_partition", "source_generation", _n)
 *       JOIN "t" AS x ON x."order_id" = w."order_id" WHERE NOT x."deleted" AND <guard x, w>
 *     ) AS u ORDER BY u."order_id", u."line_no", u._n) AS m
 *   WHERE t."order_id" = m."order_id" AND t."line_no" = m."line_no" AND NOT t."deleted" AND <guard t, m>
 *     AND NOT EXISTS (SELECT 1 FROM unnest(:x0::text[], :x1::integer[]) AS e("order_id", "line_no")
 *       WHERE e."order_id" = t."order_id" AND e."line_no" = t."line_no")
 * }</pre>
 */
final class DeleteWhereSql {
  private DeleteWhereSql() {}

  /** The parameter of key column {@code key} of the deletes of set {@code set}. */
  static String match(int set, int key) {
    return "w" + set + "_" + key;
  }

  /**
   * The parameter of source column {@code i} (offset, partition, generation) of set {@code set}.
   */
  static String source(int set, int i) {
    return "w" + set + "_s" + i;
  }

  /** The parameter of the batch order of the deletes of set {@code set}. */
  static String order(int set) {
    return "w" + set + "_n";
  }

  /** The parameter of key column {@code key} of the excluded keys. */
  static String excluded(int key) {
    return "x" + key;
  }

  /**
   * The statement for deletes naming the key column sets {@code sets}, each the indexes of its
   * columns in the primary key, ascending.
   */
  static String of(TableSpec spec, List<List<Integer>> sets) {
    List<String> members = new ArrayList<>(sets.size());
    for (int s = 0; s < sets.size(); s++) {
      members.add(member(spec, s, sets.get(s)));
    }
    String union = String.join(" UNION ALL ", members);
    String table = quote(spec.name());
    String notExcluded =
        " AND NOT EXISTS (SELECT 1 FROM unnest("
            + IntStream.range(0, spec.primaryKey().size())
                .mapToObj(i -> array(excluded(i), spec.primaryKey().get(i).type()))
                .collect(Collectors.joining(", "))
            + ") AS e("
            + keyNames(spec, n -> n)
            + ") WHERE "
            + keysEqual(spec, "e", "t")
            + ")";
    if (!spec.versioned()) {
      return "DELETE FROM "
          + table
          + " AS t USING ("
          + union
          + ") AS m WHERE "
          + keysEqual(spec, "t", "m")
          + notExcluded;
    }
    return "UPDATE "
        + table
        + " AS t SET "
        + assignments(spec)
        + " FROM (SELECT DISTINCT ON ("
        + keyNames(spec, n -> "u." + n)
        + ") * FROM ("
        + union
        + ") AS u ORDER BY "
        + keyNames(spec, n -> "u." + n)
        + ", u._n) AS m WHERE "
        + keysEqual(spec, "t", "m")
        + " AND NOT t."
        + quote(TableSpec.DELETED_COLUMN)
        + " AND "
        + guard(spec, "t", "m")
        + notExcluded;
  }

  /** The stored rows the deletes of one set match, with each delete's source and order. */
  private static String member(TableSpec spec, int set, List<Integer> keys) {
    List<String> arrays = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int key : keys) {
      Column column = spec.primaryKey().get(key);
      arrays.add(array(match(set, key), column.type()));
      names.add(quote(column.name()));
    }
    String selected = keyNames(spec, n -> "x." + n);
    if (spec.versioned()) {
      List<Column> sources = MaterialisedTableSql.sourceColumns(spec);
      for (int i = 0; i < sources.size(); i++) {
        arrays.add(array(source(set, i), sources.get(i).type()));
        names.add(quote(sources.get(i).name()));
        selected += ", w." + quote(sources.get(i).name());
      }
      arrays.add(array(order(set), ColumnType.INTEGER));
      names.add("_n");
      selected += ", w._n";
    }
    String on =
        keys.stream()
            .map(spec.primaryKey()::get)
            .map(c -> "x." + quote(c.name()) + " = w." + quote(c.name()))
            .collect(Collectors.joining(" AND "));
    return "SELECT "
        + selected
        + " FROM unnest("
        + String.join(", ", arrays)
        + ") AS w("
        + String.join(", ", names)
        + ") JOIN "
        + quote(spec.name())
        + " AS x ON "
        + on
        + (spec.versioned()
            ? " WHERE NOT x." + quote(TableSpec.DELETED_COLUMN) + " AND " + guard(spec, "x", "w")
            : "");
  }

  /**
   * Every column but the key NULL, the source from the delete, the {@link MarkerColumns} of a
   * marker written now.
   */
  private static String assignments(TableSpec spec) {
    List<String> set = new ArrayList<>();
    spec.columns().forEach(c -> set.add(quote(c.name()) + " = NULL"));
    for (Column source : MaterialisedTableSql.sourceColumns(spec)) {
      set.add(quote(source.name()) + " = m." + quote(source.name()));
    }
    set.add(MarkerColumns.assignments(true));
    return String.join(", ", set);
  }
}
