package dev.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableSpecTest {

  @Test
  void shouldEndWithTheSourceColumnsWhenVersioned() {
    TableSpec table =
        TableSpec.of("t", Column.text("word"))
            .withColumn(Column.bigint("count"))
            .withOffsetColumn("updated_offset");

    assertEquals(
        List.of(
            Column.text("word"),
            Column.bigint("count"),
            Column.bigint("updated_offset"),
            Column.of("source_partition", ColumnType.INTEGER),
            Column.of("source_generation", ColumnType.INTEGER)),
        table.allColumns());
  }

  @Test
  void shouldRefuseAColumnNamedLikeASourceColumnWhenVersioned() {
    TableSpec table =
        TableSpec.of("t", Column.text("word"))
            .withColumn(Column.of("source_partition", ColumnType.INTEGER));

    FlowDefinitionException e =
        assertThrows(FlowDefinitionException.class, () -> table.withOffsetColumn("updated_offset"));

    assertTrue(
        e.getMessage().contains("source_partition")
            && e.getMessage().contains("is kept by Flows in versioned table t"),
        e.getMessage());
  }

  @Test
  void shouldKeepMarkersSevenDaysByDefaultAndTheRetentionGivenThroughCopies() {
    TableSpec table = TableSpec.of("t", Column.text("word")).withOffsetColumn("updated_offset");

    TableSpec kept = table.withMarkerRetention(Duration.ofHours(2)).withColumn(Column.text("x"));

    assertEquals(Duration.ofDays(7), table.markerRetention());
    assertEquals(Duration.ofHours(2), kept.markerRetention());
  }

  @Test
  void shouldRefuseAMarkerRetentionThatIsNotPositiveNamingTheFix() {
    TableSpec table = TableSpec.of("t", Column.text("word")).withOffsetColumn("updated_offset");

    FlowDefinitionException e =
        assertThrows(FlowDefinitionException.class, () -> table.withMarkerRetention(Duration.ZERO));

    assertEquals(
        "markerRetention must be a positive duration (table t), got PT0S: use e.g."
            + " TableSpec.DEFAULT_MARKER_RETENTION (7 days), longer than any stale writer lives",
        e.getMessage());
  }

  @Test
  void shouldRefuseAColumnNamedDeletedAtWhenVersioned() {
    TableSpec table = TableSpec.of("t", Column.text("word")).withColumn(Column.text("deleted_at"));

    FlowDefinitionException e =
        assertThrows(FlowDefinitionException.class, () -> table.withOffsetColumn("updated_offset"));

    assertTrue(e.getMessage().contains("deleted_at"), e.getMessage());
  }
}
