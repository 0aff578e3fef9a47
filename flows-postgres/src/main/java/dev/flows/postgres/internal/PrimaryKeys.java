package dev.flows.postgres.internal;

import dev.flows.Column;
import dev.flows.Row;
import dev.flows.TableSpec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The primary key of a materialised table's rows as Java compares them: a list of the key columns'
 * values, {@code bytea} wrapped in a {@link ByteBuffer} so that equal bytes are equal keys, which
 * for canonical values is PostgreSQL's equality. Keys are ordered column by column, {@code bytea}
 * unsigned byte by byte: the order in which a batch locks its rows. Immutable.
 */
final class PrimaryKeys implements Comparator<List<Object>> {
  private final String[] names;

  PrimaryKeys(TableSpec spec) {
    this.names = spec.primaryKey().stream().map(Column::name).toArray(String[]::new);
  }

  /** The key of {@code row}. */
  List<Object> of(Row row) {
    if (names.length == 1) {
      return List.of(identity(row.get(names[0])));
    }
    Object[] values = new Object[names.length];
    for (int k = 0; k < names.length; k++) {
      values[k] = identity(row.get(names[k]));
    }
    return Arrays.asList(values);
  }

  /** A key value as it compares: byte arrays by content. */
  static Object identity(Object value) {
    return value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : value;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public int compare(List<Object> a, List<Object> b) {
    for (int k = 0; k < names.length; k++) {
      Object x = a.get(k);
      Object y = b.get(k);
      int order =
          x instanceof ByteBuffer bx && y instanceof ByteBuffer by
              ? Arrays.compareUnsigned(bx.array(), by.array())
              : ((Comparable) x).compareTo(y);
      if (order != 0) {
        return order;
      }
    }
    return 0;
  }
}
