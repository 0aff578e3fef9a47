package dev.flows.postgres.internal;

import dev.flows.Column;
import dev.flows.FlowsException;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.spi.MarkerPurge;
import dev.flows.spi.RefusedChanges;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Update;

/**
 * One materialised table in PostgreSQL. {@link #write} is one transaction. It first probes which of
 * the batch's keys the table holds ({@link KeyProbe}, a row or a deleted marker), then writes the
 * rows of absent keys with a binary {@code COPY} ({@link CopyRows}; where it cannot write the same
 * values, a plain {@code INSERT ... SELECT FROM unnest(...)}) and those of present keys with the
 * upsert ({@code ... ON CONFLICT (pk) DO UPDATE ... WHERE <guard>}); the deletes by key likewise as
 * plain inserts or upserts of deleted markers (versioned) or, unversioned, a {@code DELETE} of the
 * present keys only; then, if the batch has any, one statement for its deletes by key columns
 * ({@link DeleteWheres}). An absent key has nothing to guard, and its insert skips {@code ON
 * CONFLICT}'s speculative insertion. If another writer (a zombie, the owner of another partition)
 * inserts a key between the probe and the insert, the COPY or insert fails with a unique violation
 * (23505): the transaction is rolled back and the batch written again by the upserts alone, which
 * guard as always; that is never a refusal. The probe is skipped while it finds few absent keys
 * ({@link ProbeSchedule}), for keys with a timestamp or JSON column, and for batches that repeat a
 * key. Rows are sorted by primary key so two writers of overlapping keys lock in the same order. If
 * PostgreSQL refuses the data of some rows, a {@link BisectingWriter} sets their records apart and
 * writes the others, each half of the batch in its own transaction. Thread-safe: every call borrows
 * its own connection. Other database failures are rethrown as {@link FlowsException} with the cause
 * attached; the runtime rewinds the batch and retries.
 */
public final class PostgresMaterialisedTable {
  private static final String UNIQUE_VIOLATION = "23505";

  private final Jdbi jdbi;
  private final TableSpec spec;
  private final MaterialisedTableSql sql;
  private final DeleteWheres deleteWheres;
  private final PrimaryKeys keys;
  private final BisectingWriter<RowChanges> writer;
  private final MarkerPurgeSql markers;
  private final KeyProbe probe;
  private final CopyRows copy;
  private final ProbeSchedule schedule = new ProbeSchedule();
  private final List<Integer> everyColumn;
  private final List<Integer> deleteColumns;
  private volatile Runnable afterProbe = () -> {};

  private PostgresMaterialisedTable(Jdbi jdbi, TableSpec spec) {
    this.jdbi = jdbi;
    this.spec = spec;
    this.sql = MaterialisedTableSql.of(spec);
    this.deleteWheres = new DeleteWheres(spec);
    this.keys = new PrimaryKeys(spec);
    this.writer = new BisectingWriter<>(SqlErrors.standard(), this::writeInOneTransaction);
    this.markers = spec.versioned() ? new MarkerPurgeSql(jdbi, spec) : null;
    this.probe = KeyProbe.of(spec).orElse(null);
    this.copy = new CopyRows(spec);
    this.everyColumn = IntStream.range(0, spec.allColumns().size()).boxed().toList();
    this.deleteColumns = MaterialisedTableSql.deleteColumns(spec);
  }

  /**
   * For tests: runs {@code hook} in each probed write between the probe and the writes, where
   * another writer's insert of a key found absent makes the COPY (or plain insert) fail.
   */
  void afterProbe(Runnable hook) {
    this.afterProbe = hook;
  }

  /**
   * Creates the table if absent (a lost creation race with another process is tried once more), and
   * adds the source and marker columns to a versioned table an earlier version created without
   * them, and the index of its deleted markers.
   */
  public static PostgresMaterialisedTable open(Jdbi jdbi, TableSpec spec) {
    PostgresMaterialisedTable table = new PostgresMaterialisedTable(jdbi, spec);
    Databases.createTable(jdbi, table.what(), table.sql.create());
    if (spec.versioned()) {
      MaterialisedTableUpgrade.addMissingColumns(jdbi, spec);
      table.markers.ensureIndex();
    }
    return table;
  }

  /**
   * Deletes at most {@code purge.limit()} deleted markers that {@code purge} allows, in one
   * statement ({@link MarkerPurgeSql}); how many. A table that is not versioned has none.
   */
  public int purgeMarkers(MarkerPurge purge) {
    return markers == null ? 0 : markers.purge(purge);
  }

  /**
   * Writes each record's changes (see the class comment and {@link dev.flows.spi.TableSink#write});
   * returns those PostgreSQL refused for their data, every other record's written.
   */
  public List<RefusedChanges> write(List<RowChanges> changes) {
    if (changes.isEmpty()) {
      return List.of();
    }
    return call("write the changes of " + changes.size() + " records", () -> writer.write(changes))
        .stream()
        .map(r -> new RefusedChanges(r.row(), r.reason()))
        .toList();
  }

  /**
   * The function {@link BisectingWriter} calls: the probed write if {@link #schedule} says so, and
   * if that fails with a unique violation (another writer inserted a key the probe found absent),
   * the upserts alone in a new transaction, so that only a 23505 of theirs is bisected and refused.
   */
  private void writeInOneTransaction(List<RowChanges> changes) {
    Batch batch = Batch.of(changes, spec, keys);
    if (probe != null && batch.hasKeys() && schedule.probeNext()) {
      try {
        jdbi.useTransaction(handle -> writeProbed(handle, batch));
        return;
      } catch (RuntimeException e) {
        if (!SqlErrors.sqlState(e).filter(UNIQUE_VIOLATION::equals).isPresent()) {
          throw e;
        }
      }
    }
    jdbi.useTransaction(handle -> writeUpserting(handle, batch));
  }

  /** The upserts alone: every row upserted, every delete by key upserted as a marker or deleted. */
  private void writeUpserting(Handle handle, Batch batch) {
    execute(handle, sql.upsert(), everyColumn, batch.upserts());
    execute(handle, sql.delete(), deleteColumns, batch.deletes());
    writeDeletesWhere(handle, batch);
  }

  /**
   * Probes the keys, then writes the rows of those absent by COPY, their markers with plain
   * inserts, and those present with the upserts. A batch repeating a key takes the upserts alone,
   * where one statement touching a row twice (21000) is bisected as it always was.
   */
  private void writeProbed(Handle handle, Batch batch) {
    if (!batch.distinctKeys()) {
      writeUpserting(handle, batch);
      return;
    }
    KeyProbe.Probed probed = probe.probe(handle, batch);
    Set<List<Object>> present = probed.present();
    schedule.probed(batch.keyCount(), batch.keyCount() - present.size());
    afterProbe.run();
    insertAbsent(handle, batch.upserts().where(k -> !present.contains(k)), probed.columnTypes());
    execute(handle, sql.upsert(), everyColumn, batch.upserts().where(present::contains));
    KeyedRows deletes = batch.deletes();
    if (sql.markNew() != null) {
      execute(handle, sql.markNew(), deleteColumns, deletes.where(k -> !present.contains(k)));
    }
    execute(handle, sql.delete(), deleteColumns, deletes.where(present::contains));
    writeDeletesWhere(handle, batch);
  }

  /**
   * The rows of absent keys by binary COPY ({@link CopyRows}) into a table of {@code columnTypes},
   * else by the plain insert.
   */
  private void insertAbsent(Handle handle, KeyedRows rows, Map<String, Integer> columnTypes) {
    if (!rows.isEmpty() && !copy.write(handle, rows, columnTypes)) {
      execute(handle, sql.insertNew(), everyColumn, rows);
    }
  }

  private void writeDeletesWhere(Handle handle, Batch batch) {
    if (!batch.deletesWhere().isEmpty()) {
      deleteWheres.execute(
          handle, batch.deletesWhere(), batch.upserts().rows(), batch.deletes().rows());
    }
  }

  /** Runs {@code statement} with {@code columns} of {@code rows} bound, unless there are none. */
  private void execute(Handle handle, String statement, List<Integer> columns, KeyedRows rows) {
    if (rows.isEmpty()) {
      return;
    }
    Update update = handle.createUpdate(statement);
    List<Column> all = spec.allColumns();
    for (int i : columns) {
      ColumnArrays.bind(
          update, MaterialisedTableSql.parameter(i), all.get(i).type(), rows.column(i));
    }
    update.execute();
  }

  private <T> T call(String action, Supplier<T> work) {
    return Databases.call(what(), action, work);
  }

  private String what() {
    return "materialised table " + spec.name();
  }

  @Override
  public String toString() {
    return "PostgresMaterialisedTable[" + spec.name() + "]";
  }
}
