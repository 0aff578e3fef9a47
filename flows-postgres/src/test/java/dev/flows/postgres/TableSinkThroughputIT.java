package dev.flows.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.Column;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestPostgres;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the table sink's upsert against binary {@code COPY} of the same rows into an empty table
 * (the goal in docs/benchmarks.md is 0.7x COPY). Logs rows/s and the ratio; asserts only that every
 * row arrived, since timings on shared machines are noise.
 */
@FlowsServices
class TableSinkThroughputIT {
  private static final Logger LOG = LoggerFactory.getLogger(TableSinkThroughputIT.class);
  private static final int ROWS = 200_000;

  @Test
  void shouldLogUpsertAndCopyRowsPerSecondWhenTheSameRowsAreWritten(TestPostgres postgres)
      throws Exception {
    try (PostgresTableSink sink =
        PostgresTableSink.create(postgres.jdbcUrl(), postgres.user(), postgres.password())) {
      measure(postgres, sink, 20_000, 2_000); // warm-up of every path
      for (int batchSize : new int[] {2_000, 10_000}) {
        double[] rate = measure(postgres, sink, ROWS, batchSize);
        LOG.info(
            "materialise {} rows in batches of {}: upsert {} rows/s = {}x binary COPY in one stream ({} rows/s), "
                + "{}x binary COPY in transactions of the same size ({} rows/s)",
            ROWS,
            batchSize,
            (long) rate[0],
            ratio(rate[0], rate[1]),
            (long) rate[1],
            ratio(rate[0], rate[2]),
            (long) rate[2]);
      }
    }
  }

  /** Rows/s of the upsert, of one COPY, and of one COPY per batch, each into a fresh table. */
  private static double[] measure(
      TestPostgres postgres, PostgresTableSink sink, int rows, int batchSize) throws Exception {
    List<List<RowChanges>> batches = new ArrayList<>();
    for (int from = 0; from < rows; from += batchSize) {
      batches.add(batch(from, Math.min(rows, from + batchSize)));
    }
    TableSpec upserted = spec(Rows.uniqueTable("bench_upsert"));
    sink.prepare(upserted);
    long start = System.nanoTime();
    batches.forEach(batch -> sink.write(upserted, batch));
    double upsert = rows / seconds(start);
    double once = copy(postgres, rows, rows);
    double batched = copy(postgres, rows, batchSize);
    assertEquals(rows, postgres.queryLong("SELECT count(*) FROM " + upserted.name()));
    postgres.execute("DROP TABLE " + upserted.name());
    return new double[] {upsert, once, batched};
  }

  private static TableSpec spec(String name) {
    return TableSpec.of(name, Column.text("word"))
        .withColumn(Column.bigint("count"))
        .withOffsetColumn("updated_offset");
  }

  /** One record's row each, as a flow ending in {@code into} hands them to the sink. */
  private static List<RowChanges> batch(int from, int to) {
    List<RowChanges> rows = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      rows.add(
          RowChanges.of(
              List.of(
                  Row.of("word", "word-" + i)
                      .with("count", (long) i)
                      .with("updated_offset", (long) i))));
    }
    return rows;
  }

  /**
   * Rows/s of binary COPY of the same rows into a fresh table, one transaction per {@code
   * batchSize} rows.
   */
  private static double copy(TestPostgres postgres, int rows, int batchSize) throws Exception {
    TableSpec table = spec(Rows.uniqueTable("bench_copy"));
    postgres.execute(
        "CREATE TABLE "
            + table.name()
            + " (word text PRIMARY KEY, count bigint, updated_offset bigint)");
    List<byte[]> streams = new ArrayList<>();
    for (int from = 0; from < rows; from += batchSize) {
      streams.add(copyStream(from, Math.min(rows, from + batchSize)));
    }
    long start = System.nanoTime();
    try (Connection c = postgres.dataSource().getConnection()) {
      for (byte[] stream : streams) {
        c.unwrap(PGConnection.class)
            .getCopyAPI()
            .copyIn(
                "COPY "
                    + table.name()
                    + " (word, count, updated_offset) FROM STDIN (FORMAT binary)",
                new ByteArrayInputStream(stream));
      }
    }
    double rate = rows / seconds(start);
    assertEquals(rows, postgres.queryLong("SELECT count(*) FROM " + table.name()));
    postgres.execute("DROP TABLE " + table.name());
    return rate;
  }

  /**
   * The PGCOPY binary stream of rows {@code from} to {@code to}: header, one tuple per row,
   * trailer.
   */
  private static byte[] copyStream(int from, int to) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream((to - from) * 40);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write("PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1));
      out.writeInt(0);
      out.writeInt(0);
      for (int i = from; i < to; i++) {
        tuple(out, "word-" + i, i);
      }
      out.writeShort(-1);
    }
    return bytes.toByteArray();
  }

  private static void tuple(DataOutputStream out, String word, long value) throws IOException {
    byte[] text = word.getBytes(StandardCharsets.UTF_8);
    out.writeShort(3);
    out.writeInt(text.length);
    out.write(text);
    out.writeInt(8);
    out.writeLong(value);
    out.writeInt(8);
    out.writeLong(value);
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static String ratio(double measured, double reference) {
    return String.format("%.2f", measured / reference);
  }
}
