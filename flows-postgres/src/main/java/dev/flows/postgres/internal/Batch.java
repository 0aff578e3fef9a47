package dev.flows.postgres.internal;

import dev.flows.Row;
import dev.flows.RowChanges;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The changes of a batch's records gathered by kind, upserts and deletes sorted by primary key so
 * that two writers of overlapping keys (a zombie after a rebalance) lock them in the same order.
 *
 * @param upserts the rows to write, by key
 * @param deletes the deletes by key, by key
 * @param deletesWhere the deletes by key columns, in the order given
 */
record Batch(List<Row> upserts, List<Row> deletes, List<Row> deletesWhere) {

  static Batch of(List<RowChanges> changes, Comparator<Row> byKey) {
    List<Row> upserts = new ArrayList<>(changes.size());
    List<Row> deletes = new ArrayList<>();
    List<Row> deletesWhere = new ArrayList<>();
    for (RowChanges change : changes) {
      upserts.addAll(change.upserts());
      deletes.addAll(change.deletes());
      deletesWhere.addAll(change.deletesWhere());
    }
    upserts.sort(byKey);
    deletes.sort(byKey);
    return new Batch(upserts, deletes, deletesWhere);
  }

  /** Whether the batch has upserts or deletes by key. */
  boolean hasKeys() {
    return !upserts.isEmpty() || !deletes.isEmpty();
  }

  /** The rows whose keys the batch writes: its upserts, then its deletes. */
  List<Row> keyed() {
    List<Row> keyed = new ArrayList<>(upserts.size() + deletes.size());
    keyed.addAll(upserts);
    keyed.addAll(deletes);
    return keyed;
  }
}
