package dev.flows.internal.runtime;

import dev.flows.metrics.JvmMetric;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link JvmMetric} meters of one runtime, bound to its registry until closed (the GC meters
 * listen to the JVM's GC notifications until then).
 */
public final class JvmMeters implements AutoCloseable {
  private final List<AutoCloseable> closeable = new ArrayList<>();

  private JvmMeters() {}

  /** Binds every {@link JvmMetric} to {@code registry}. */
  public static JvmMeters bind(MeterRegistry registry) {
    JvmMeters meters = new JvmMeters();
    for (JvmMetric metric : JvmMetric.values()) {
      MeterBinder binder = metric.binder();
      binder.bindTo(registry);
      if (binder instanceof AutoCloseable c) {
        meters.closeable.add(c);
      }
    }
    return meters;
  }

  /** Stops the binders that listen to the JVM. */
  @Override
  public void close() {
    for (AutoCloseable c : closeable) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException("cannot unbind JVM meters: " + e, e);
      }
    }
  }
}
