package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import ${package}.Service.Count;
import dev.flows.kafka.KafkaConnector;
import dev.flows.postgres.PostgresStateStore;
import dev.flows.runtime.FlowRuntime;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The flow on a real Kafka broker and PostgreSQL: FLOWS_TEST_KAFKA and FLOWS_TEST_POSTGRES when
 * set, else Testcontainers when Docker answers, else both started inside the test JVM.
 */
@FlowsServices
class ServiceIT {
  @Test
  void shouldPublishTheRunningCountOfEachKeyWhenEventsArriveOnKafka(
      TestKafka kafka, TestPostgres postgres) {
    kafka.createTopic(Service.EVENTS.name(), 3);
    kafka.createTopic(Service.EVENT_COUNTS.name(), 3);
    kafka.produce(
        Service.EVENTS.name(),
        List.of(record("apple", "first"), record("pear", "second"), record("apple", "third")));

    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource());
        FlowRuntime runtime =
            FlowRuntime.builder(Service.flow())
                .connector(KafkaConnector.create(kafka.bootstrapServers()))
                .stateStore(store)
                .build()
                .start()) {
      Map<String, Count> last = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> out :
          kafka.readAll(Service.EVENT_COUNTS.name(), 3, Duration.ofSeconds(60))) {
        last.put(
            Service.EVENT_COUNTS.keyFormat().decode(out.key()),
            Service.EVENT_COUNTS.valueFormat().decode(out.value()));
      }

      assertEquals(Map.of("apple", new Count(2), "pear", new Count(1)), last);
    }
  }

  private static byte[][] record(String key, String value) {
    return new byte[][] {
      key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)
    };
  }
}
