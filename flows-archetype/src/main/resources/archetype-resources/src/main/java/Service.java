package ${package};

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.json;
import static dev.flows.format.Formats.string;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.kafka.FlowsMain;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowsConfig;

/**
 * The flow {@code ${flowName}}: counts the records of each key of {@code events} and publishes
 * the key's running count to {@code event-counts}. Stateful: the counts live in PostgreSQL (table
 * {@code flows_count_state}), each record updates its key's count once even when it is read
 * again after a crash, and a count is published at least once.
 */
public final class Service {
  /** In: any record; its key is what is counted. */
  public static final Topic<String, String> EVENTS = topic("events", string(), string());

  /** Out: the key and its running count, as JSON. */
  public static final Topic<String, Count> EVENT_COUNTS =
      topic("event-counts", string(), json(Count.class));

  /** The state of one key, and the value published. */
  public record Count(long count) {}

  /**
   * The state: {@code flows_count_state}, JSON-encoded. The table is named after the state, not
   * the flow: name it after your service if others share the database.
   */
  public static final StateSpec<Count> COUNT =
      StateSpec.of("count", json(Count.class), () -> new Count(0));

  private Service() {}

  /** The flow, with no connection to anything: {@code main}, the tests and the driver run it. */
  public static Flow flow() {
    return Flows.stateful("${flowName}")
        .from(EVENTS)
        .state(COUNT)
        .apply(
            (key, value, count) -> {
              Count next = new Count(count.count() + 1);
              return StateUpdate.set(next, next);
            })
        .to(EVENT_COUNTS);
  }

  /**
   * Runs the flow with the configuration of the environment ({@code FLOWS_KAFKA_BOOTSTRAP_SERVERS},
   * {@code FLOWS_POSTGRES_URL}, ...), serves {@code /health/live}, {@code /health/ready} and
   * {@code /metrics} on {@code FLOWS_HTTP_PORT} (8080), and drains on SIGTERM.
   */
  public static void main(String[] args) {
    FlowsConfig config = FlowsConfig.fromEnv();
    try (PostgresStateStore store = PostgresStateStore.create(config)) {
      FlowsMain.run(config, store, flow());
    }
  }
}
