package dev.flows.internal.plan;

import dev.flows.FlowKind;
import dev.flows.FlowOptions;
import dev.flows.Lineage.EdgeKind;
import dev.flows.Row;
import dev.flows.TableSpec;
import dev.flows.Topic;
import dev.flows.dsl.RowMapper;
import dev.flows.internal.lineage.LineageGraph;
import java.util.List;

/** A materialise plan: one input topic, the table it keeps and the user's row mapper. */
public final class MaterialisePlan extends Plan {
  private final TableSpec table;
  private final RowMapper<Object, Object> rows;

  @SuppressWarnings("unchecked")
  MaterialisePlan(
      String name, FlowOptions options, Topic<?, ?> input, TableSpec table, RowMapper<?, ?> rows) {
    super(name, FlowKind.MATERIALISE, options, List.of(input), List.of());
    this.table = table;
    this.rows = (RowMapper<Object, Object>) rows;
  }

  /** The table written. */
  public TableSpec table() {
    return table;
  }

  /**
   * The user's row for a record with a value; may throw or return {@code null}, which the caller
   * checks.
   */
  public Row row(Object key, Object value) throws Exception {
    return rows.apply(key, value);
  }

  @Override
  public <R> R accept(PlanVisitor<R> visitor) {
    return visitor.materialise(this);
  }

  /** The table it keeps: its output. */
  @Override
  void addOwnLineage(LineageGraph graph, String step) {
    graph.edge(step, graph.table(table.name()), EdgeKind.OUTPUT);
  }

  @Override
  List<String> stepLabels() {
    String guard = table.versioned() ? ", newer offsets per source partition only" : "";
    return List.of(
        "rows per key, last wins, tombstones delete", "upsert into table " + table + guard);
  }
}
