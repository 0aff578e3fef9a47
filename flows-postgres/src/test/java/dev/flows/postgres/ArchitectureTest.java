package dev.flows.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.PublicApi;
import java.util.List;
import org.junit.jupiter.api.Test;

/** STYLE rule 7 for flows-postgres: no public signature names an {@code internal} type. */
class ArchitectureTest {
  @Test
  void shouldNameNoInternalTypeInAnyPublicSignatureWhenThePostgresApiIsInspected() {
    List<String> leaks = PublicApi.leaks(PostgresStateStore.class);

    assertEquals(
        List.of(),
        leaks,
        "public signatures must not name internal types:\n" + String.join("\n", leaks));
  }
}
