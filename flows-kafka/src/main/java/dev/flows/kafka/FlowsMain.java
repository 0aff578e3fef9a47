package dev.flows.kafka;

import dev.flows.Flow;
import dev.flows.runtime.FlowRuntime;
import dev.flows.runtime.FlowSelection;
import dev.flows.runtime.FlowsConfig;
import dev.flows.spi.StateStore;
import java.util.List;

/**
 * A ready-made {@code main} for stateless flow programs on Kafka: reads {@link FlowsConfig} from
 * the environment, runs the flow named by {@code FLOWS_INSTANCE} (or all), serves the admin
 * endpoints on {@code FLOWS_HTTP_PORT}, drains on SIGTERM. Its consumers are static group members
 * when {@code FLOWS_INSTANCE_ID} is set (see {@link KafkaConnector#create(FlowsConfig)}).
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   FlowsMain.run(WordRemap.flow(), WordCount.flow());
 * }
 * }</pre>
 */
public final class FlowsMain {
  private FlowsMain() {}

  /** Runs the selected flows with the environment's configuration until shutdown. */
  public static void run(Flow... flows) {
    run(FlowsConfig.fromEnv(), null, flows);
  }

  /**
   * Runs the selected flows with {@code config} until shutdown; stateful flows keep state in {@code
   * stateStore}.
   */
  public static void run(FlowsConfig config, StateStore stateStore, Flow... flows) {
    List<Flow> selected = FlowSelection.select(List.of(flows), config.instance());
    FlowRuntime.Builder builder =
        FlowRuntime.builder(selected.toArray(Flow[]::new))
            .connector(KafkaConnector.create(config))
            .guarantee(config.guarantee())
            .recordSpans(config.recordSpans())
            .adminPort(config.httpPort());
    (stateStore == null ? builder : builder.stateStore(stateStore)).build().runUntilShutdown();
  }
}
