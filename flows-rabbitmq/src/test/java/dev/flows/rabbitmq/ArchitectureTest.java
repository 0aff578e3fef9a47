package dev.flows.rabbitmq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.PublicApi;
import java.util.List;
import org.junit.jupiter.api.Test;

/** STYLE rule 7 for flows-rabbitmq: no public signature names an {@code internal} type. */
class ArchitectureTest {
  @Test
  void shouldNameNoInternalTypeInAnyPublicSignatureWhenTheRabbitMqApiIsInspected() {
    List<String> leaks = PublicApi.leaks(RabbitTaskQueue.class);

    assertEquals(
        List.of(),
        leaks,
        "public signatures must not name internal types:\n" + String.join("\n", leaks));
  }
}
