package dev.flows.internal.plan;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.FlowOptions;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.Topic;
import dev.flows.dsl.MaterialiseBuilder;
import dev.flows.dsl.MaterialiseSource;
import dev.flows.dsl.MessageMapper;
import dev.flows.dsl.RowMapper;
import dev.flows.dsl.RowsMapper;
import java.util.List;
import java.util.Objects;

/** The immutable steps of a materialise chain. */
public final class MaterialiseSteps {
  private MaterialiseSteps() {}

  /** The start of a materialise chain for a validated name. */
  public static MaterialiseBuilder start(String name, FlowOptions options) {
    return new MaterialiseBuilder() {
      @Override
      public <K, V> MaterialiseSource<K, V> from(Topic<K, V> topic) {
        return new Source<>(name, options, Objects.requireNonNull(topic, "topic"));
      }
    };
  }

  private record Source<K, V>(String name, FlowOptions options, Topic<K, V> topic)
      implements MaterialiseSource<K, V> {
    @Override
    public Flow into(TableSpec table, RowMapper<? super K, ? super V> rows) {
      Objects.requireNonNull(rows, "rows");
      return intoByMessage(table, message -> rows.apply(message.key(), message.value()));
    }

    @Override
    public Flow intoRows(TableSpec table, RowsMapper<? super K, ? super V> rows) {
      Objects.requireNonNull(rows, "rows");
      return intoRowsByMessage(table, message -> rows.apply(message.key(), message.value()));
    }

    @Override
    public Flow intoByMessage(
        TableSpec table, MessageMapper<? super K, ? super V, ? extends Row> row) {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(row, "row");
      if (table.primaryKey().size() != 1) {
        throw FlowDefinitionException.of(
            "table",
            table.name(),
            "of materialise flow "
                + name
                + " has a primary key of "
                + table.primaryKey().size()
                + " columns, but into() writes the record key as the one key column",
            "end the flow with intoRows(table, mapper), whose rows carry every key column");
      }
      // the user's row, as the one upsert of its record; the runtime adds the key (TableRows)
      @SuppressWarnings("unchecked")
      MessageMapper<Object, Object, Row> fn = (MessageMapper<Object, Object, Row>) row;
      MessageMapper<Object, Object, RowChanges> one =
          message -> {
            Row mapped = fn.apply(message);
            return mapped == null ? null : RowChanges.of(List.of(mapped));
          };
      return new MaterialisePlan(name, options, topic, table, one, true);
    }

    @Override
    public Flow intoRowsByMessage(
        TableSpec table, MessageMapper<? super K, ? super V, ? extends RowChanges> rows) {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(rows, "rows");
      return new MaterialisePlan(name, options, topic, table, rows, false);
    }
  }
}
