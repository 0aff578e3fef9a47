package dev.flows.postgres.internal;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.TableSpec;
import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * Finds which of a batch's keys a materialised table holds (a row or a deleted marker), in one
 * statement: {@code SELECT <key> FROM t WHERE <key> = ANY(:c0::type[])}, or for a key of several
 * columns {@code WHERE (<k1>, <k2>) IN (SELECT * FROM unnest(:c0::t1[], :c1::t2[]))}. Keys come
 * back as {@link PrimaryKeys} gives them, which for these types is PostgreSQL's equality on
 * canonical values. Keys with a timestamp or JSON column are not probed: their text in Java need
 * not be the text PostgreSQL gives back. Immutable.
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
   * The keys of {@code batch}'s upserts and deletes the table holds, in {@code handle}'s
   * transaction.
   */
  Set<List<Object>> present(Handle handle, Batch batch) {
    Query query = handle.createQuery(sql);
    for (int k = 0; k < key.size(); k++) {
      ColumnArrays.bind(
          query, MaterialisedTableSql.parameter(k), key.get(k).type(), batch.keyColumn(k));
    }
    return query.map((rs, context) -> key(rs)).collect(Collectors.toCollection(HashSet::new));
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
    String select = "SELECT " + names + " FROM " + MaterialisedTableSql.quote(spec.name());
    return key.size() == 1
        ? select + " WHERE " + names + " = ANY(" + arrays.get(0) + ")"
        : select
            + " WHERE ("
            + names
            + ") IN (SELECT * FROM unnest("
            + String.join(", ", arrays)
            + "))";
  }
}
