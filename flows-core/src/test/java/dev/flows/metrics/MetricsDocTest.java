package dev.flows.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/metrics.md} equal to the {@link FlowsMetric} catalogue. After changing the
 * catalogue, regenerate it with {@code make docs} ({@code -Dflows.docs.write=true}).
 */
class MetricsDocTest {
  private static final Path DOC = Path.of("..", "docs", "metrics.md");

  @Test
  void shouldMatchTheCatalogueWhenDocsAreGenerated() throws IOException {
    String generated = markdown();
    if (Boolean.getBoolean("flows.docs.write")) {
      Files.writeString(DOC, generated, StandardCharsets.UTF_8);
    }
    String stored = Files.exists(DOC) ? Files.readString(DOC, StandardCharsets.UTF_8) : "(missing)";
    assertEquals(
        generated, stored, "docs/metrics.md is out of date with FlowsMetric: run 'make docs'");
  }

  static String markdown() {
    return flowsMetrics() + "\n" + jvmMetrics();
  }

  private static String jvmMetrics() {
    String rows =
        Stream.of(JvmMetric.values())
            .map(
                m ->
                    "| `"
                        + m.binderName()
                        + "` | `"
                        + m.example()
                        + "` | "
                        + m.description()
                        + " |")
            .collect(Collectors.joining("\n"));
    return """
        ## JVM and process

        Generated from `dev.flows.metrics.JvmMetric`: Micrometer's binders, bound to the registry
        behind `/metrics` when the runtime starts (a registry given with `meterRegistry(...)` gets
        the `flows.*` meters only). Names as `/metrics` shows them; a test (`AdminEndpointsIT`)
        checks that each binder's example is served.

        | binder | e.g. | what it measures |
        |---|---|---|
        """
        + rows
        + "\n";
  }

  private static String flowsMetrics() {
    String rows =
        Stream.of(FlowsMetric.values())
            .map(
                m ->
                    "| `"
                        + m.metricName()
                        + "` | "
                        + m.type().name().toLowerCase()
                        + " | "
                        + Stream.concat(Stream.of("flow"), m.tags().stream())
                            .map(t -> "`" + t + "`")
                            .collect(Collectors.joining(", "))
                        + " | "
                        + m.kinds().stream()
                            .map(k -> k.name().toLowerCase())
                            .collect(Collectors.joining(", "))
                        + (m.recorded() == FlowsMetric.Recorded.ON_EVENT
                            ? " (when it happens)"
                            : "")
                        + " | "
                        + m.description()
                        + " |")
            .collect(Collectors.joining("\n"));
    return """
        # Metrics

        Generated from `dev.flows.metrics.FlowsMetric` (`make docs`); a test keeps the two equal.
        Every runtime records these in Micrometer and serves them as Prometheus text on `/metrics`
        (names with dots become underscores; counters get `_total`, timers `_seconds`).

        Each metric says which flow kinds record it: with every batch (a task flow: every task, an
        http flow: every request, a cron flow: every firing), or only when its event happens. A test
        (`MetricsPerKindIT`) runs every kind and checks it.

        | name | type | tags | recorded by | what it measures |
        |---|---|---|---|---|
        """
        + rows
        + "\n";
  }
}
