package dev.flows.postgres.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.Column;
import dev.flows.ColumnType;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestPostgres;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The probe against a real table: the keys it finds present are the batch's keys as {@link
 * PrimaryKeys} computes them (so the split into absent and present keys finds them), for a text, a
 * {@code bytea} and a composite key; and the table's column types as they are, read with them.
 */
@FlowsServices
class KeyProbeIT {
  private static Jdbi jdbi;

  @BeforeAll
  static void database(TestPostgres database) {
    jdbi = Pool.borrowed(database.dataSource()).jdbi();
  }

  @Test
  void shouldFindTheStoredKeysWhenTheKeyIsText() {
    TableSpec spec = TableSpec.of(unique("probe_text"), Column.text("id"));
    assertPresent(spec, List.of(Row.of("id", "a")), List.of(Row.of("id", "b")));
  }

  @Test
  void shouldFindTheStoredKeysWhenTheKeyIsBytes() {
    TableSpec spec = TableSpec.of(unique("probe_bytes"), Column.of("id", ColumnType.BYTEA));
    assertPresent(
        spec,
        List.of(Row.of("id", new byte[] {0, (byte) 0xff})),
        List.of(Row.of("id", new byte[] {1})));
  }

  @Test
  void shouldFindTheStoredKeysWhenTheKeyHasSeveralColumns() {
    TableSpec spec =
        TableSpec.of(unique("probe_lines"), Column.text("order_id"), Column.integer("line_no"));
    assertPresent(
        spec,
        List.of(Row.of("order_id", "o1").with("line_no", 2)),
        List.of(Row.of("order_id", "o1").with("line_no", 1)));
  }

  @Test
  void shouldReadTheColumnTypesOfTheTableAsItIsWithTheKeys() {
    TableSpec spec =
        TableSpec.of(unique("probe_types"), Column.text("order_id"), Column.integer("line_no"))
            .withColumn(Column.bigint("amount"));
    PostgresMaterialisedTable.open(jdbi, spec);
    jdbi.useHandle(
        h -> {
          h.execute("ALTER TABLE " + spec.name() + " ALTER COLUMN amount TYPE numeric");
          h.execute("ALTER TABLE " + spec.name() + " ADD COLUMN \"a note, by hand\" text");
        });
    KeyedRows rows =
        Batch.of(
                List.of(RowChanges.of(List.of(Row.of("order_id", "o1").with("line_no", 1)))),
                spec,
                new PrimaryKeys(spec))
            .upserts();

    KeyProbe.Probed probed =
        jdbi.withHandle(
            h ->
                KeyProbe.of(spec)
                    .orElseThrow()
                    .probe(h, new Batch(rows, rows.where(k -> false), List.of())));

    assertEquals(Set.of(), probed.present());
    assertEquals(
        Map.of("order_id", 25, "line_no", 23, "amount", 1700, "a note, by hand", 25),
        probed.columnTypes());
  }

  /** Writes {@code stored}, then probes a batch of {@code stored} and {@code absent}. */
  private static void assertPresent(TableSpec spec, List<Row> stored, List<Row> absent) {
    PostgresMaterialisedTable table = PostgresMaterialisedTable.open(jdbi, spec);
    assertEquals(List.of(), table.write(List.of(RowChanges.of(stored))));
    PrimaryKeys keys = new PrimaryKeys(spec);
    Batch batch = Batch.of(List.of(RowChanges.of(absent), RowChanges.of(stored)), spec, keys);

    Set<List<Object>> present =
        jdbi.withHandle(h -> KeyProbe.of(spec).orElseThrow().probe(h, batch).present());

    assertEquals(Set.copyOf(stored.stream().map(keys::of).toList()), present);
  }

  private static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
