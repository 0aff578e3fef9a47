package dev.flows.examples.it;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;

import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.format.Format;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A stateful count run in a child JVM by the fault tests: killed with SIGKILL, stopped with
 * SIGSTOP, restarted. Output value: {@code <count>:<input value>}, so every input can be traced
 * downstream. State: the count as decimal text, so SQL can sum it.
 *
 * <p>Arguments: bootstrap servers, JDBC URL, user, password, group instance id. With
 * {@code FLOWS_IT_BLOCK_ON} set, the record with that value prints {@code IN_BATCH} and waits for
 * a line on standard input while its row is loaded but not yet written: the zombie test's window.
 */
public final class CountWorker {
  static final String FLOW = "it-kill-count";
  static final Topic<String, String> IN = topic("it-kill-in", string(), string());
  static final Topic<String, String> OUT = topic("it-kill-out", string(), string());
  static final StateSpec<Long> COUNT = StateSpec.of("kill_count", decimal(), () -> 0L);

  private CountWorker() {}

  public static void main(String[] args) {
    String blockOn = System.getenv("FLOWS_IT_BLOCK_ON");
    Flow flow = flow(blockOn);
    KafkaConnector kafka = KafkaConnector.create(args[0])
        .withProperty("group.instance.id", args[4])
        .withProperty("session.timeout.ms", 6_000)
        .withProperty("heartbeat.interval.ms", 1_000);
    try (PostgresStateStore store = PostgresStateStore.create(args[1], args[2], args[3])) {
      FlowRuntime.builder(flow).connector(kafka).stateStore(store).drainTimeout(Duration.ofSeconds(10)).build().runUntilShutdown();
    }
  }

  static Flow flow(String blockOn) {
    return Flows.stateful(FLOW, FlowOptions.defaults().withMaxRecords(500))
        .from(IN)
        .state(COUNT)
        .apply((key, value, count) -> {
          if (value.equals(blockOn)) {
            System.out.println("IN_BATCH");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
          }
          long next = count + 1;
          return StateUpdate.set(next, next + ":" + value);
        })
        .to(OUT);
  }

  static Format<Long> decimal() {
    return new Format<>() {
      @Override
      public byte[] encode(Long value) {
        return value.toString().getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public Long decode(byte[] bytes) {
        return Long.parseLong(new String(bytes, StandardCharsets.UTF_8));
      }

      @Override
      public String name() {
        return "decimal";
      }
    };
  }
}
