package dev.flows.postgres;

import static dev.flows.postgres.Rows.bytes;
import static dev.flows.postgres.Rows.row;
import static dev.flows.postgres.Rows.uniqueTable;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.FlowDefinitionException;
import dev.flows.spi.StateRow;
import dev.flows.spi.StateTable;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Table names, schema and version rules of the PostgreSQL state store, beyond the SPI contract. */
@FlowsServices
class PostgresStateTableIT {
  private static TestPostgres postgres;
  private PostgresStateStore store;

  @BeforeAll
  static void database(TestPostgres database) {
    postgres = database;
  }

  @BeforeEach
  void open() {
    store = PostgresStateStore.create(postgres.dataSource());
  }

  @AfterEach
  void close() {
    store.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "x; drop table y",
        "Upper",
        "1table",
        "",
        "a-b",
        "a\"b",
        "_x",
        "a234567890123456789012345678901234567890123456789012345678901234"
      })
  void shouldRejectTableNameWhenNotASafeIdentifier(String name) {
    FlowDefinitionException e =
        assertThrows(FlowDefinitionException.class, () -> store.table(name));

    assertEquals(
        "state table is not a safe SQL identifier, got '"
            + name
            + "': use 1 to 63 of [a-z0-9_], starting with a letter",
        e.getMessage());
  }

  @Test
  void shouldAcceptLongestNameWhenSixtyThreeCharacters() {
    String name = "a" + uniqueTable("b").substring(0, 14) + "_".repeat(48);

    store.table(name).write(List.of(row("a", "s1", 1)));

    assertEquals(1, postgres.queryLong("select count(*) from \"" + name + "\""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"order", "user", "select", "batch", "inserted", "updated"})
  void shouldReadAndWriteWhenTableNameIsAReservedWordOrCteName(String name) {
    String id = UUID.randomUUID().toString();
    StateTable table = store.table(name);

    assertEquals(Set.of(), table.write(List.of(row(id, "s1", 1))).conflicts());
    assertEquals(Set.of(), table.write(List.of(row(id, "s2", 2))).conflicts());

    assertArrayEquals(bytes("s2"), table.load(List.of(id)).get(id).state());
    assertEquals(
        1,
        postgres.queryLong(
            "select count(*) from information_schema.tables where table_name = '" + name + "'"));
  }

  @Test
  void shouldReadRowsAsStateVersionOneWhenTheTablePredatesStateVersions() {
    String name = uniqueTable("old_layout");
    postgres.execute(
        "CREATE TABLE \""
            + name
            + "\" (id text PRIMARY KEY, state bytea, progress bytea NOT NULL,"
            + " results bytea, version bigint NOT NULL, created_at timestamptz NOT NULL DEFAULT"
            + " now(), updated_at timestamptz NOT NULL DEFAULT now())");
    postgres.execute(
        "INSERT INTO \"" + name + "\" (id, state, progress, version) VALUES ('a', 's', '', 1)");

    StateTable table = store.table(name);

    assertEquals(1, table.load(List.of("a")).get("a").stateVersion());
    assertEquals(
        Set.of(),
        table.write(List.of(new StateRow("a", bytes("s2"), 2, bytes("p"), null, 2))).conflicts());
    assertEquals(2, table.load(List.of("a")).get("a").stateVersion());
  }

  @Test
  void shouldCreateDocumentedColumnsWhenTableIsNew() {
    String name = uniqueTable("columns");

    store.table(name);

    assertEquals(
        "id text NO, state bytea YES, state_version integer NO, progress bytea NO, results bytea"
            + " YES, version bigint NO, created_at timestamp with time zone NO, updated_at"
            + " timestamp with time zone NO",
        queryString(
            "select string_agg(column_name || ' ' || data_type || ' ' || is_nullable, ', ' order by ordinal_position) "
                + "from information_schema.columns where table_name = '"
                + name
                + "'"));
    assertEquals(
        1,
        postgres.queryLong(
            "select count(*) from information_schema.table_constraints "
                + "where table_name = '"
                + name
                + "' and constraint_type = 'PRIMARY KEY'"));
  }

  @Test
  void shouldReturnConflictAndInsertNothingWhenLaterVersionOfAbsentRowIsWritten() {
    String name = uniqueTable("ghost");
    StateTable table = store.table(name);

    assertEquals(Set.of("ghost"), table.write(List.of(row("ghost", "s2", 2))).conflicts());
    assertEquals(
        Set.of("ghost"),
        table.write(List.of(row("new", "s1", 1), row("ghost", "s5", 5))).conflicts());

    assertEquals(Set.of("new"), table.load(List.of("new", "ghost")).keySet());
    assertEquals(1, postgres.queryLong("select count(*) from \"" + name + "\""));
  }

  @Test
  void shouldReturnConflictWhenVersionSkipsAhead() {
    StateTable table = store.table(uniqueTable("skip"));
    table.write(List.of(row("a", "s1", 1)));

    assertEquals(Set.of("a"), table.write(List.of(row("a", "s3", 3))).conflicts());
    assertEquals(Set.of("a"), table.write(List.of(row("a", "s0", 0))).conflicts());

    assertEquals(1, table.load(List.of("a")).get("a").version());
  }

  @Test
  void shouldStoreNullsWhenUpdatedRowHasNoStateOrResults() {
    String name = uniqueTable("nulls");
    StateTable table = store.table(name);
    table.write(List.of(row("a", "s1", 1), row("b", "s1", 1)));

    Set<String> conflicts =
        table
            .write(
                List.of(
                    new StateRow("a", null, 1, bytes("p2"), null, 2),
                    new StateRow("b", bytes("s2"), 1, bytes("p2"), bytes("r2"), 2)))
            .conflicts();

    assertEquals(Set.of(), conflicts);
    Map<String, StateRow> rows = table.load(List.of("a", "b"));
    assertNull(rows.get("a").state());
    assertNull(rows.get("a").results());
    assertArrayEquals(bytes("p2"), rows.get("a").progress());
    assertArrayEquals(bytes("r2"), rows.get("b").results());
    assertEquals(
        2,
        postgres.queryLong("select count(*) from \"" + name + "\" where updated_at >= created_at"));
  }

  @Test
  void shouldRejectBatchWhenAnIdRepeats() {
    StateTable table = store.table(uniqueTable("twice"));

    assertThrows(
        IllegalArgumentException.class,
        () -> table.write(List.of(row("a", "s1", 1), row("a", "s2", 2))));

    assertTrue(table.load(List.of("a")).isEmpty());
  }

  @Test
  void shouldCreateTableOnceWhenAskedTwice() {
    assertEquals(store.table("twice_asked"), store.table("twice_asked"));
  }

  private static String queryString(String sql) {
    try (Connection c = postgres.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new AssertionError("SQL failed: " + sql + ": " + e.getMessage(), e);
    }
  }
}
