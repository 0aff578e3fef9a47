package dev.flows.postgres.internal;

import dev.flows.FlowsException;
import dev.flows.spi.RowPurge;
import dev.flows.spi.StateRow;
import dev.flows.spi.StateTable;
import dev.flows.spi.WriteResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * One state table in PostgreSQL. Thread-safe: every call borrows its own connection.
 *
 * <p>{@link #write} is one statement in one transaction (one round trip plus the commit): the batch
 * travels as six parallel arrays expanded by {@code unnest}; rows at version 1 are inserted ({@code
 * ON CONFLICT DO NOTHING}: an existing row is a conflict), later versions update the stored row
 * only where its version is one less. Under READ COMMITTED a concurrent writer of the same row
 * makes PostgreSQL re-check that condition on the newest row version, so of two racing writers
 * exactly one comes back. A row that does not come back is a conflict and is not written; the
 * others are committed. Unlike a single {@code INSERT ... ON CONFLICT DO UPDATE}, a row at version
 * 2 or later whose id is absent cannot be inserted.
 *
 * <p>A row PostgreSQL refuses for its own data (an id too long for the primary key's index,
 * SQLSTATE 54000, or any record-data error {@link SqlErrors} names) is found by {@link
 * BisectingWriter}: the transaction is rolled back and the rows are written in halves until the
 * refused row stands alone; it is returned as refused with the database's reason, and every other
 * row is written.
 *
 * <p>Database failures are rethrown as {@link FlowsException} with the cause attached: the runtime
 * rewinds the batch and retries, and the pool replaces broken connections. That includes a deadlock
 * between two writers of overlapping rows, which PostgreSQL breaks by aborting one of them.
 */
public final class PostgresStateTable implements StateTable {
  private static final RowMapper<StateRow> ROW =
      (rs, ctx) ->
          new StateRow(
              rs.getString("id"),
              rs.getBytes("state"),
              rs.getInt("state_version"),
              rs.getBytes("progress"),
              rs.getBytes("results"),
              rs.getLong("version"));

  /** undefined_table. */
  private static final String UNDEFINED_TABLE = "42P01";

  private final Jdbi jdbi;
  private final String name;
  private final StateTableSql sql;

  private PostgresStateTable(Jdbi jdbi, String name, StateTableSql sql) {
    this.jdbi = jdbi;
    this.name = name;
    this.sql = sql;
  }

  /**
   * Validates {@code name} and creates the table if absent (a lost creation race is tried once
   * more).
   */
  public static PostgresStateTable open(Jdbi jdbi, String name) {
    PostgresStateTable table = new PostgresStateTable(jdbi, name, StateTableSql.of(name));
    Databases.createTable(jdbi, "state table " + name, table.sql.create());
    table.addStateVersionIfMissing();
    table.createJsonViewIfAbsent();
    return table;
  }

  /**
   * The stored rows among {@code ids} of table {@code name}, read in one statement without creating
   * anything.
   *
   * @throws dev.flows.FlowDefinitionException if {@code name} is not a safe identifier
   * @throws FlowsException if the table does not exist, naming the fix, or the read fails
   */
  public static Map<String, StateRow> read(Jdbi jdbi, String name, Collection<String> ids) {
    StateTableSql sql = StateTableSql.of(name);
    if (ids.isEmpty()) {
      return new HashMap<>();
    }
    try {
      return loadById(jdbi, sql, name, "read", ids);
    } catch (FlowsException e) {
      if (SqlErrors.sqlState(e).filter(UNDEFINED_TABLE::equals).isPresent()) {
        throw new FlowsException(
            "state table "
                + name
                + " does not exist in this database: the stateful flow that keeps it creates it"
                + " when its runtime is built (or at its first batch if the database did not answer"
                + " then); check the StateSpec's table and the database URL",
            e);
      }
      throw e;
    }
  }

  /**
   * Creates the view {@code <table>_json} if absent (looked up first: replacing a view takes an
   * exclusive lock on it).
   */
  private void createJsonViewIfAbsent() {
    if (sql.jsonView() == null) {
      return;
    }
    boolean present =
        call(
            "look up its view " + sql.jsonView(),
            () ->
                jdbi.withHandle(
                    handle ->
                        handle
                            .createQuery("SELECT to_regclass(:view) IS NOT NULL")
                            .bind("view", '"' + sql.jsonView() + '"')
                            .mapTo(Boolean.class)
                            .one()));
    if (!present) {
      Databases.createTable(jdbi, "state table " + name + " view", sql.createJsonView());
    }
  }

  /**
   * Brings a table created before state format versions to this layout. Looked up first, because
   * {@code ALTER TABLE} takes an exclusive lock even when the column exists.
   */
  private void addStateVersionIfMissing() {
    boolean present =
        call(
            "look up its columns",
            () ->
                jdbi.withHandle(
                    handle ->
                        handle
                                .createQuery(
                                    "SELECT count(*) FROM pg_attribute WHERE attrelid ="
                                        + " to_regclass(:table) AND attname = 'state_version' AND NOT"
                                        + " attisdropped")
                                .bind("table", sql.table())
                                .mapTo(Long.class)
                                .one()
                            > 0));
    if (!present) {
      call(
          "add column state_version", () -> jdbi.withHandle(h -> h.execute(sql.addStateVersion())));
    }
  }

  @Override
  public Map<String, StateRow> load(Collection<String> ids) {
    if (ids.isEmpty()) {
      return new HashMap<>();
    }
    return loadById(jdbi, sql, name, "load", ids);
  }

  /** The stored rows of table {@code name} among {@code ids}, by id, in one statement. */
  private static Map<String, StateRow> loadById(
      Jdbi jdbi, StateTableSql sql, String name, String verb, Collection<String> ids) {
    List<StateRow> rows =
        Databases.call(
            "state table " + name,
            verb + " " + ids.size() + " rows",
            () ->
                jdbi.withHandle(
                    handle ->
                        handle
                            .createQuery(sql.load())
                            .bindArray("ids", String.class, ids)
                            .map(ROW)
                            .list()));
    return byId(rows);
  }

  private static Map<String, StateRow> byId(List<StateRow> rows) {
    Map<String, StateRow> byId = new HashMap<>();
    rows.forEach(row -> byId.put(row.id(), row));
    return byId;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if two rows have the same id (the runtime writes each id once)
   */
  @Override
  public WriteResult write(List<StateRow> rows) {
    if (rows.isEmpty()) {
      return WriteResult.ALL_WRITTEN;
    }
    // Sorted by id so that writers of overlapping batches insert in the same order (fewer
    // deadlocks).
    List<StateRow> sorted = rows.stream().sorted(Comparator.comparing(StateRow::id)).toList();
    List<String> ids = column(sorted, StateRow::id);
    if (new HashSet<>(ids).size() < ids.size()) {
      throw new IllegalArgumentException(
          "state table " + name + ": a write names an id twice; write each id once per batch");
    }
    Set<String> conflicts = new HashSet<>();
    BisectingWriter<StateRow> writer =
        new BisectingWriter<>(
            SqlErrors.standard(),
            part -> conflicts.addAll(jdbi.inTransaction(handle -> write(handle, part))));
    List<BisectingWriter.Refused<StateRow>> refused =
        call("write " + rows.size() + " rows", () -> writer.write(sorted));
    Map<String, String> reasons = new HashMap<>();
    refused.forEach(r -> reasons.put(r.row().id(), r.reason()));
    conflicts.removeAll(reasons.keySet());
    return new WriteResult(conflicts, reasons);
  }

  /**
   * One statement in the caller's transaction; returns the ids in conflict (not written: they did
   * not come back), the others are written.
   */
  private Set<String> write(Handle handle, List<StateRow> rows) {
    List<String> ids = column(rows, StateRow::id);
    List<String> written =
        handle
            .createQuery(sql.write())
            .bindArray("ids", String.class, ids)
            .bindArray("states", byte[].class, column(rows, StateRow::state))
            .bindArray("stateVersions", Integer.class, column(rows, StateRow::stateVersion))
            .bindArray("progress", byte[].class, column(rows, StateRow::progress))
            .bindArray("results", byte[].class, column(rows, StateRow::results))
            .bindArray("versions", Long.class, column(rows, StateRow::version))
            .mapTo(String.class)
            .list();
    Set<String> conflicts = new HashSet<>(ids);
    written.forEach(conflicts::remove);
    return conflicts;
  }

  /**
   * {@inheritDoc}
   *
   * <p>One transaction: the page's rows old enough are selected {@code FOR UPDATE SKIP LOCKED} (so
   * none can change before the delete, and none a batch's write holds is waited for), their
   * progress is judged, and those behind are deleted by id.
   */
  @Override
  public RowPurge.Page purge(RowPurge purge) {
    return call(
        "purge expired rows",
        () ->
            jdbi.inTransaction(
                handle -> {
                  List<Map.Entry<String, byte[]>> expired = expired(handle, purge);
                  List<String> behind =
                      expired.stream()
                          .filter(row -> purge.behind().test(row.getKey(), row.getValue()))
                          .map(Map.Entry::getKey)
                          .toList();
                  int deleted =
                      behind.isEmpty()
                          ? 0
                          : handle
                              .createUpdate(sql.delete())
                              .bindArray("ids", String.class, behind)
                              .execute();
                  String last =
                      expired.size() < purge.limit()
                          ? null
                          : expired.get(expired.size() - 1).getKey();
                  return new RowPurge.Page(deleted, last);
                }));
  }

  private List<Map.Entry<String, byte[]>> expired(Handle handle, RowPurge purge) {
    var query =
        handle
            .createQuery(purge.after() == null ? sql.expired() : sql.expiredAfter())
            .bind("seconds", purge.olderThan().toMillis() / 1_000.0)
            .bind("limit", purge.limit());
    if (purge.after() != null) {
      query.bind("after", purge.after());
    }
    return query.map((rs, ctx) -> Map.entry(rs.getString("id"), rs.getBytes("progress"))).list();
  }

  /** The planner's estimate, or a count for a table never analysed (new, so small). */
  @Override
  public long rows() {
    return call(
        "count its rows",
        () ->
            jdbi.withHandle(
                handle -> {
                  long estimate =
                      handle
                          .createQuery(sql.rows())
                          .bind("table", sql.table())
                          .mapTo(Long.class)
                          .one();
                  return estimate >= 0
                      ? estimate
                      : handle
                          .createQuery("SELECT count(*) FROM " + sql.table())
                          .mapTo(Long.class)
                          .one();
                }));
  }

  private <T> T call(String action, Supplier<T> work) {
    return Databases.call("state table " + name, action, work);
  }

  /**
   * One field of every row, in row order, nulls kept (a list, since {@code List.of} rejects nulls).
   */
  private static <T> List<T> column(List<StateRow> rows, Function<StateRow, T> field) {
    List<T> values = new ArrayList<>(rows.size());
    rows.forEach(row -> values.add(field.apply(row)));
    return values;
  }

  @Override
  public String toString() {
    return "PostgresStateTable[" + sql.table() + "]";
  }
}
