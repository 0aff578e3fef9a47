package dev.flows.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * flows-core in a service without the OpenTelemetry API (flows-core declares it optional): this
 * test's class path without the OpenTelemetry jars, in a class loader of its own. Tracing is off,
 * the runtime runs a flow, headers pass through unchanged, and asking for per-record spans fails at
 * build time naming the artifact.
 */
class WithoutOpenTelemetryTest {

  @Test
  void shouldRunFlowsWithTracingOffAndHeadersUnchangedWhenTheApiIsAbsent() throws Exception {
    try (URLClassLoader loader = withoutOpenTelemetry()) {
      @SuppressWarnings("unchecked")
      Callable<List<String>> scenario =
          (Callable<List<String>>)
              loader
                  .loadClass(NoOpenTelemetryScenario.class.getName())
                  .getDeclaredConstructor()
                  .newInstance();

      assertEquals(
          List.of(
              "api: absent",
              "A " + NoOpenTelemetryScenario.TRACEPARENT,
              "B no traceparent",
              "record spans: per-record spans (recordSpans, FLOWS_TRACING_RECORD_SPANS) needs"
                  + " io.opentelemetry:opentelemetry-api on the class path, and"
                  + " io.opentelemetry.api.GlobalOpenTelemetry is not there: add the dependency"
                  + " io.opentelemetry:opentelemetry-api to your build (flows-core declares it"
                  + " optional)"),
          scenario.call());
    }
  }

  /** The test class path minus every OpenTelemetry jar, over the platform class loader. */
  private static URLClassLoader withoutOpenTelemetry() throws MalformedURLException {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!new File(entry).getName().startsWith("opentelemetry-")) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
  }
}
