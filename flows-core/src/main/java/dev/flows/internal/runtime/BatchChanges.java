package dev.flows.internal.runtime;

import dev.flows.Column;
import dev.flows.Message;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves the checked changes of a materialise batch's records, in offset order, into what one
 * table-sink write takes so that it leaves the table as applying the records one by one would:
 *
 * <ul>
 *   <li>Per primary key the last upsert or delete wins (a record's deletes come before its
 *       upserts); the earlier ones are dropped.
 *   <li>A delete-where of a record turns every earlier record's pending upsert it matches into a
 *       delete of that key with the deleting record's source: the row is not written, and in a
 *       versioned table its deleted marker refuses a stale writer (a replay, or an instance that
 *       lost the partition) that would write it later. Rows stored before the batch are matched by
 *       the sink, which leaves the rows of the batch's upserts and deletes to them (see {@link
 *       dev.flows.spi.TableSink#write}).
 * </ul>
 *
 * <p>Each record keeps the changes that survive, written or refused together: when no key repeats
 * and no record deletes by key columns, every record's changes as they are. Pending upserts are
 * indexed by the key columns each delete-where names, so a batch resolves in linear time. Not
 * thread-safe: one batch, one thread.
 */
final class BatchChanges {
  /**
   * One record's checked changes ({@link TableRows}) and the record.
   *
   * @param changes canonical rows with the record's source columns if versioned
   * @param source the record, dead-lettered if the sink refuses its changes
   */
  record RecordChanges(RowChanges changes, Message<byte[], byte[]> source) {}

  /** A change pending for a key: the row (or a delete's key and source) and its record's index. */
  private record Pending(Row row, boolean delete, int record) {}

  private final TableSpec table;
  private final List<String> key;
  private final Map<Object, Pending> pending = new LinkedHashMap<>();
  private final Map<List<String>, Map<List<Object>, List<Object>>> upsertsByColumns =
      new HashMap<>();

  private BatchChanges(TableSpec table) {
    this.table = table;
    this.key = table.primaryKey().stream().map(Column::name).toList();
  }

  /** The surviving changes of each of {@code records} that has any, in record order. */
  static List<RecordChanges> resolve(TableSpec table, List<RecordChanges> records) {
    BatchChanges batch = new BatchChanges(table);
    if (batch.independent(records)) {
      List<RecordChanges> changing = new ArrayList<>(records.size());
      for (int i = 0; i < records.size(); i++) {
        if (!records.get(i).changes().isEmpty()) {
          changing.add(records.get(i));
        }
      }
      return changing;
    }
    for (int i = 0; i < records.size(); i++) {
      batch.add(i, records.get(i).changes());
    }
    return batch.byRecord(records);
  }

  /**
   * Whether no change of {@code records} touches another's: no delete-where, and no key upserted or
   * deleted twice. Then every change survives as given, and nothing needs resolving.
   */
  private boolean independent(List<RecordChanges> records) {
    Set<Object> keys = new HashSet<>(records.size() * 2);
    for (int i = 0; i < records.size(); i++) {
      RowChanges changes = records.get(i).changes();
      if (!changes.deletesWhere().isEmpty()
          || !addedAll(keys, changes.deletes())
          || !addedAll(keys, changes.upserts())) {
        return false;
      }
    }
    return true;
  }

  /** Adds the keys of {@code rows} to {@code keys}; whether none was there. */
  private boolean addedAll(Set<Object> keys, List<Row> rows) {
    for (int i = 0; i < rows.size(); i++) {
      if (!keys.add(keyOf(rows.get(i)))) {
        return false;
      }
    }
    return true;
  }

  private void add(int record, RowChanges changes) {
    for (Row delete : changes.deletes()) {
      pending.put(keyOf(delete), new Pending(delete, true, record));
    }
    for (Row match : changes.deletesWhere()) {
      deleteMatching(record, match);
    }
    for (Row upsert : changes.upserts()) {
      Object id = keyOf(upsert);
      pending.put(id, new Pending(upsert, false, record));
      upsertsByColumns.forEach(
          (columns, index) ->
              index.computeIfAbsent(project(upsert, columns), p -> new ArrayList<>(1)).add(id));
    }
  }

  /** Turns the pending upserts {@code match} matches into deletes with its source. */
  private void deleteMatching(int record, Row match) {
    List<String> columns = key.stream().filter(match.values()::containsKey).toList();
    List<Object> matched = index(columns).remove(project(match, columns));
    if (matched == null) {
      return;
    }
    for (Object id : matched) {
      Pending change = pending.get(id);
      if (!change.delete()) {
        pending.put(id, new Pending(markerOf(change.row(), match), true, record));
      }
    }
  }

  /** The pending upserts by their values of {@code columns}, built on first use. */
  private Map<List<Object>, List<Object>> index(List<String> columns) {
    return upsertsByColumns.computeIfAbsent(
        columns,
        c -> {
          Map<List<Object>, List<Object>> index = new HashMap<>();
          pending.forEach(
              (id, change) -> {
                if (!change.delete()) {
                  index.computeIfAbsent(project(change.row(), c), p -> new ArrayList<>(1)).add(id);
                }
              });
          return index;
        });
  }

  /** The delete of {@code row}'s key with the source of {@code deleting}, if versioned. */
  private Row markerOf(Row row, Row deleting) {
    Map<String, Object> values = new LinkedHashMap<>();
    key.forEach(column -> values.put(column, row.get(column)));
    if (table.versioned()) {
      for (String column :
          List.of(table.offsetColumn(), TableSpec.PARTITION_COLUMN, TableSpec.GENERATION_COLUMN)) {
        values.put(column, deleting.get(column));
      }
    }
    return new Row(values);
  }

  private List<RecordChanges> byRecord(List<RecordChanges> records) {
    List<List<Row>> upserts = new ArrayList<>(records.size());
    List<List<Row>> deletes = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      upserts.add(null);
      deletes.add(null);
    }
    for (Pending change : pending.values()) {
      List<List<Row>> lists = change.delete() ? deletes : upserts;
      if (lists.get(change.record()) == null) {
        lists.set(change.record(), new ArrayList<>(1));
      }
      lists.get(change.record()).add(change.row());
    }
    List<RecordChanges> resolved = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      RowChanges changes =
          new RowChanges(
              orNone(upserts.get(i)),
              orNone(deletes.get(i)),
              records.get(i).changes().deletesWhere());
      if (!changes.isEmpty()) {
        resolved.add(new RecordChanges(changes, records.get(i).source()));
      }
    }
    return resolved;
  }

  private Object keyOf(Row row) {
    return key.size() == 1 ? TableRows.identity(row.get(key.get(0))) : project(row, key);
  }

  private static List<Object> project(Row row, List<String> columns) {
    List<Object> values = new ArrayList<>(columns.size());
    columns.forEach(column -> values.add(TableRows.identity(row.get(column))));
    return values;
  }

  private static List<Row> orNone(List<Row> rows) {
    return rows == null ? List.of() : rows;
  }
}
