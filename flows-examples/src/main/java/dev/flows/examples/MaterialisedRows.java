package dev.flows.examples;

import dev.flows.FlowsException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/** Reads {@code flows_materialised} back for {@code make select} and the demo. */
final class MaterialisedRows {
  private static final String SELECT =
      "SELECT word, count, updated_offset FROM "
          + WordMaterialise.TABLE.name()
          + " WHERE NOT deleted ORDER BY word"; // deleted markers are not rows

  private MaterialisedRows() {}

  /** The stored count per word, in word order; empty if the table does not exist yet. */
  static Map<String, Long> counts(DataSource dataSource) {
    Map<String, Long> counts = new LinkedHashMap<>();
    query(dataSource, rs -> counts.put(rs.getString("word"), rs.getLong("count")));
    return counts;
  }

  /** Prints every row as {@code word count updated_offset}. */
  static void print(DataSource dataSource, PrintStream out) {
    out.printf("%s (word, count, updated_offset):%n", WordMaterialise.TABLE.name());
    query(
        dataSource,
        rs ->
            out.printf(
                "  %-10s %6d %8d%n",
                rs.getString("word"), rs.getLong("count"), rs.getLong("updated_offset")));
  }

  /** One row at a time. */
  private interface RowReader {
    void read(ResultSet row) throws SQLException;
  }

  private static void query(DataSource dataSource, RowReader reader) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      if (!exists(c)) {
        return;
      }
      try (ResultSet rs = s.executeQuery(SELECT)) {
        while (rs.next()) {
          reader.read(rs);
        }
      }
    } catch (SQLException e) {
      throw new FlowsException(
          "cannot read " + WordMaterialise.TABLE.name() + ": " + e.getMessage(), e);
    }
  }

  private static boolean exists(Connection c) throws SQLException {
    try (ResultSet rs = c.getMetaData().getTables(null, null, WordMaterialise.TABLE.name(), null)) {
      return rs.next();
    }
  }
}
