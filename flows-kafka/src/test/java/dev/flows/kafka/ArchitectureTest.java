package dev.flows.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.PublicApi;
import java.util.List;
import org.junit.jupiter.api.Test;

/** STYLE rule 7 for flows-kafka: no public signature names an {@code internal} type. */
class ArchitectureTest {
  @Test
  void shouldNameNoInternalTypeInAnyPublicSignatureWhenTheKafkaApiIsInspected() {
    List<String> leaks = PublicApi.leaks(KafkaConnector.class);

    assertEquals(
        List.of(),
        leaks,
        "public signatures must not name internal types:\n" + String.join("\n", leaks));
  }
}
