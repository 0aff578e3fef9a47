package dev.flows.internal.plan;

import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.TableSpec;
import dev.flows.Topic;
import dev.flows.dsl.MaterialiseBuilder;
import dev.flows.dsl.MaterialiseSource;
import dev.flows.dsl.RowMapper;
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
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(rows, "rows");
      return new MaterialisePlan(name, options, topic, table, rows);
    }
  }
}
