package dev.flows.postgres;

import static dev.flows.postgres.Rows.bytes;
import static dev.flows.postgres.Rows.uniqueTable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.FlowsException;
import dev.flows.StateSpec;
import dev.flows.format.Formats;
import dev.flows.spi.StateRow;
import dev.flows.spi.StateTable;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md, "Reading state": the read API reads what a flow committed, with a role that
 * may only {@code SELECT}, and creates nothing; the view {@code <table>_json} shows JSON states as
 * {@code jsonb} without the protocol's columns, and refuses states that are not text.
 */
@FlowsServices
class PostgresStateReadIT {
  private TestPostgres postgres;
  private PostgresStateStore store;
  private String table;

  @BeforeEach
  void open(TestPostgres database) {
    postgres = database;
    store = PostgresStateStore.create(postgres.jdbcUrl(), postgres.user(), postgres.password());
    table = uniqueTable("read");
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void shouldReadCommittedStatesWithARoleThatMayOnlySelectThem() {
    StateTable written = store.table(table);
    written.write(List.of(state("apple", "3"), state("pizza", "5")));
    String reader = uniqueTable("flows_reader");
    postgres.execute("CREATE ROLE " + reader + " LOGIN");
    postgres.execute("GRANT SELECT ON \"" + table + "\" TO " + reader);
    try (PostgresStateStore readOnly =
        PostgresStateStore.create(Urls.url(postgres, Urls.database(postgres)), reader, null)) {
      StateSpec<Long> count = StateSpec.of("count", Formats.longs(), () -> 0L).withTable(table);

      assertEquals(Optional.of(3L), readOnly.reader(count).find("apple"));
      assertEquals(
          Map.of("apple", 3L, "pizza", 5L),
          readOnly.reader(count).findAll(List.of("apple", "pizza", "beer")));

      FlowsException writing =
          assertThrows(
              FlowsException.class, () -> readOnly.table(table).write(List.of(state("beer", "2"))));
      assertTrue(writing.getMessage().contains("permission denied"), writing.getMessage());
    } finally {
      postgres.execute("DROP OWNED BY " + reader);
      postgres.execute("DROP ROLE " + reader);
    }
  }

  @Test
  void shouldNameTheFixAndCreateNothingWhenTheTableDoesNotExist() {
    StateSpec<Long> count = StateSpec.of("count", Formats.longs(), () -> 0L).withTable(table);

    FlowsException e = assertThrows(FlowsException.class, () -> store.reader(count).find("apple"));

    assertTrue(e.getMessage().startsWith("state table " + table + " does not exist"));
    assertTrue(e.getMessage().contains("check the StateSpec's table"), e.getMessage());
    assertEquals(
        0, postgres.queryLong("select count(*) from pg_class where relname = '" + table + "'"));
  }

  @Test
  void shouldShowJsonStatesAsJsonbWithoutTheProtocolColumnsInTheView() throws SQLException {
    store
        .table(table)
        .write(
            List.of(
                state("apple", "{\"word\": \"apple\", \"count\": 3}"),
                state("pizza", "{\"word\": \"pizza\", \"count\": 5}"),
                state("gone", null)));

    List<String> rows =
        query(
            "SELECT id, state->>'word', (state->>'count')::int, state_version FROM \""
                + table
                + "_json\" ORDER BY id");

    assertEquals(List.of("apple|apple|3|1", "pizza|pizza|5|1"), rows, "deleted states left out");
    assertEquals(
        List.of("id", "state", "state_version", "updated_at"),
        query(
            "SELECT column_name FROM information_schema.columns WHERE table_name = '"
                + table
                + "_json' ORDER BY ordinal_position"));
  }

  @Test
  void shouldRefuseToShowAStateThatIsNotTextInTheView() {
    byte[] protobuf = {0x08, (byte) 0x96, 0x01}; // field 1 = 150, as protobuf encodes it
    store.table(table).write(List.of(new StateRow("a", protobuf, 1, bytes("p"), null, 1)));

    SQLException e =
        assertThrows(SQLException.class, () -> query("SELECT state FROM \"" + table + "_json\""));

    assertTrue(
        e.getMessage().contains("invalid byte sequence for encoding \"UTF8\""), e.getMessage());
  }

  private static StateRow state(String id, String state) {
    return new StateRow(id, state == null ? null : bytes(state), 1, bytes("p-" + id), null, 1);
  }

  /** The rows of {@code sql}, each as its columns joined by {@code |}. */
  private List<String> query(String sql) throws SQLException {
    try (Connection c = postgres.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<String> rows = new ArrayList<>();
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          values.add(rs.getString(i));
        }
        rows.add(String.join("|", values));
      }
      return rows;
    }
  }
}
