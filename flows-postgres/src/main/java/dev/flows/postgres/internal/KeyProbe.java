package dev.flows.postgres.internal;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.TableSpec;
import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * Finds which of a batch's keys a materialised table holds (a row or a deleted marker), and the
 * table's column types, in one statement: {@code SELECT <key>, NULL, NULL FROM t WHERE <key> =
 * ANY(:c0::type[])}, or for a key of several columns {@code WHERE (<k1>, <k2>) IN (SELECT * FROM
 * unnest(:c0::t1[], :c1::t2[]))}, then {@code UNION ALL} a row per column of the table, its key
 * NULL, with the column's name and type from {@code pg_attribute}, read under the lock the
 * statement's read of the table took: what {@link CopyRows} checks before it copies, without a
 * statement of its own. Keys come back as {@link PrimaryKeys} gives them, which for these types is
 * PostgreSQL's equality on canonical values. Keys with a timestamp or JSON column are not probed:
 * their text in Java need not be the text PostgreSQL gives back. Immutable.
 */
final class KeyProbe {
  private final List<Column> key;
  private final String sql;

  private KeyProbe(TableSpec spec) {
    this.key = spec.primaryKey();
    this.sql = sql(spec);
  }

  /** The probe of {@code spec}'s keys, or none if a key column is a timestamp or JSON. */
  static Optional<KeyProbe> of(TableSpec spec) {
    boolean probeable =
        spec.primaryKey().stream()
            .noneMatch(c -> c.type() == ColumnType.TIMESTAMPTZ || c.type() == ColumnType.JSONB);
    return probeable ? Optional.of(new KeyProbe(spec)) : Optional.empty();
  }

  /**
   * What a probe found in the table.
   *
   * @param present the keys of the batch's upserts and deletes the table holds
   * @param columnTypes the table's columns, name to type oid
   */
  record Probed(Set<List<Object>> present, Map<String, Integer> columnTypes) {}

  /**
   * The keys of {@code batch}'s upserts and deletes the table holds, and its column types, in
   * {@code handle}'s transaction.
   */
  Probed probe(Handle handle, Batch batch) {
    Query query = handle.createQuery(sql);
    for (int k = 0; k < key.size(); k++) {
      ColumnArrays.bind(
          query, MaterialisedTableSql.parameter(k), key.get(k).type(), batch.keyColumn(k));
    }
    return query.scanResultSet((rows, context) -> read(rows.get()));
  }

  /** Key rows into the present keys, column rows (a NULL key) into the column types. */
  private Probed read(ResultSet rs) throws SQLException {
    Set<List<Object>> present = new HashSet<>();
    Map<String, Integer> types = new HashMap<>();
    while (rs.next()) {
      String column = rs.getString(key.size() + 1);
      if (column == null) {
        present.add(key(rs));
      } else {
        types.put(column, rs.getInt(key.size() + 2));
      }
    }
    return new Probed(present, types);
  }

  private List<Object> key(ResultSet rs) throws SQLException {
    List<Object> values = new ArrayList<>(key.size());
    for (int k = 0; k < key.size(); k++) {
      int i = k + 1;
      values.add(
          switch (key.get(k).type()) {
            case TEXT, TIMESTAMPTZ, JSONB -> rs.getString(i);
            case BIGINT -> rs.getLong(i);
            case INTEGER -> rs.getInt(i);
            case DOUBLE -> rs.getDouble(i);
            case BOOLEAN -> rs.getBoolean(i);
            case BYTEA -> ByteBuffer.wrap(rs.getBytes(i));
          });
    }
    return values;
  }

  private static String sql(TableSpec spec) {
    List<Column> key = spec.primaryKey();
    String names = MaterialisedTableSql.keyNames(spec, Function.identity());
    List<String> arrays =
        IntStream.range(0, key.size())
            .mapToObj(
                k ->
                    MaterialisedTableSql.array(
                        MaterialisedTableSql.parameter(k), key.get(k).type()))
            .toList();
    String table = MaterialisedTableSql.quote(spec.name());
    String select = "SELECT " + names + ", NULL, NULL FROM " + table;
    String keys =
        key.size() == 1
            ? select + " WHERE " + names + " = ANY(" + arrays.get(0) + ")"
            : select
                + " WHERE ("
                + names
                + ") IN (SELECT * FROM unnest("
                + String.join(", ", arrays)
                + "))";
    return keys
        + " UNION ALL SELECT "
        + "NULL, ".repeat(key.size())
        + "attname::text, atttypid::int FROM pg_attribute WHERE attrelid = '"
        + table
        + "'::regclass AND attnum > 0 AND NOT attisdropped";
  }
}
