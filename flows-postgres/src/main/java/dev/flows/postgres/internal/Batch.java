package dev.flows.postgres.internal;

import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The changes of a batch's records gathered by kind, upserts and deletes sorted by primary key so
 * that two writers of overlapping keys (a zombie after a rebalance) lock them in the same order,
 * and held column by column ({@link KeyedRows}).
 *
 * @param upserts the rows to write, by key, every column gathered
 * @param deletes the deletes by key, by key, the columns a delete binds gathered
 * @param deletesWhere the deletes by key columns, in the order given
 */
record Batch(KeyedRows upserts, KeyedRows deletes, List<Row> deletesWhere) {

  static Batch of(List<RowChanges> changes, TableSpec spec, PrimaryKeys keys) {
    List<Row> upserts = new ArrayList<>(changes.size());
    List<Row> deletes = new ArrayList<>();
    List<Row> deletesWhere = new ArrayList<>();
    for (RowChanges change : changes) {
      upserts.addAll(change.upserts());
      deletes.addAll(change.deletes());
      deletesWhere.addAll(change.deletesWhere());
    }
    List<Integer> every = IntStream.range(0, spec.allColumns().size()).boxed().toList();
    return new Batch(
        KeyedRows.of(upserts, keys, spec.allColumns(), every),
        KeyedRows.of(deletes, keys, spec.allColumns(), MaterialisedTableSql.deleteColumns(spec)),
        deletesWhere);
  }

  /** Whether the batch has upserts or deletes by key. */
  boolean hasKeys() {
    return !upserts.isEmpty() || !deletes.isEmpty();
  }

  /** How many keys the batch writes: its upserts and its deletes. */
  int keyCount() {
    return upserts.size() + deletes.size();
  }

  /** Whether no key is written twice among the upserts and deletes. */
  boolean distinctKeys() {
    Set<List<Object>> seen = new HashSet<>(keyCount() * 2);
    for (KeyedRows rows : List.of(upserts, deletes)) {
      for (List<Object> key : rows.keys()) {
        if (!seen.add(key)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Key column {@code k} of the upserts, then of the deletes, as one bound array. */
  Object[] keyColumn(int k) {
    Object[] ofUpserts = upserts.column(k);
    Object[] ofDeletes = deletes.column(k);
    if (ofDeletes.length == 0) {
      return ofUpserts;
    }
    Object[] both = Arrays.copyOf(ofUpserts, ofUpserts.length + ofDeletes.length);
    System.arraycopy(ofDeletes, 0, both, ofUpserts.length, ofDeletes.length);
    return both;
  }
}
