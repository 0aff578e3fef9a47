package dev.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
