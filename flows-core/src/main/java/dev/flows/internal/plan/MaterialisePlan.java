package dev.flows.internal.plan;

import dev.flows.FlowKind;
import dev.flows.FlowOptions;
import dev.flows.Lineage.EdgeKind;
import dev.flows.Message;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.Topic;
import dev.flows.dsl.MessageMapper;
import dev.flows.internal.lineage.LineageGraph;
import java.util.List;

/**
 * A materialise plan: one input topic, the table it keeps and the user's mapper, either one row per
 * record key ({@code into}: the record key is the one key column, a tombstone deletes its row) or
 * any rows per record ({@code intoRows}: the mapper gives every change, tombstones included).
 */
public final class MaterialisePlan extends Plan {
  private final TableSpec table;
  private final MessageMapper<Object, Object, RowChanges> rows;
  private final boolean rowPerKey;

  @SuppressWarnings("unchecked")
  MaterialisePlan(
      String name,
      FlowOptions options,
      Topic<?, ?> input,
      TableSpec table,
      MessageMapper<?, ?, ? extends RowChanges> rows,
      boolean rowPerKey) {
    super(name, FlowKind.MATERIALISE, options, List.of(input), List.of());
    this.table = table;
    this.rows = (MessageMapper<Object, Object, RowChanges>) rows;
    this.rowPerKey = rowPerKey;
  }

  /** The table written. */
  public TableSpec table() {
    return table;
  }

  /**
   * Whether the flow writes one row per record key ({@code into}): the record key is the table's
   * one key column, which the mapper's row does not set, and a tombstone deletes the key's row
   * without calling the mapper.
   */
  public boolean rowPerKey() {
    return rowPerKey;
  }

  /**
   * The user's changes for a record (for {@link #rowPerKey()}, its row as one upsert without the
   * key); may throw or return {@code null}, which the caller checks.
   */
  public RowChanges changes(Message<Object, Object> record) throws Exception {
    return rows.apply(record);
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
    String changes =
        rowPerKey
            ? "rows per key, last wins, tombstones delete"
            : "rows per record, as applied one by one: deletes by key or key columns, last change"
                + " per row wins";
    return List.of(changes, "upsert into table " + table + guard);
  }
}
