package dev.flows.metrics;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.util.function.Supplier;

/**
 * The JVM and process meters every runtime serves on {@code /metrics} besides the {@link
 * FlowsMetric} catalogue: one Micrometer binder each, bound to the runtime's Prometheus registry
 * (not to a registry given with {@code meterRegistry}, which keeps its own). {@code
 * docs/metrics.md} lists them, generated from this enum.
 */
public enum JvmMetric {
  /** Heap and non-heap memory per pool, and buffer pools. */
  MEMORY(
      "jvm_memory_used_bytes",
      "JvmMemoryMetrics",
      "Memory used, committed and max per heap and non-heap pool (`jvm_memory_*`), and the direct"
          + " and mapped buffer pools (`jvm_buffer_*`).",
      JvmMemoryMetrics::new),
  /** Garbage collection. */
  GC(
      "jvm_gc_memory_allocated_bytes_total",
      "JvmGcMetrics",
      "Garbage collection: pauses (`jvm_gc_pause_seconds`), bytes allocated and promoted, the old"
          + " generation's live and max size (`jvm_gc_*`).",
      JvmGcMetrics::new),
  /** Threads. */
  THREADS(
      "jvm_threads_live_threads",
      "JvmThreadMetrics",
      "Live, daemon and peak threads, threads started, and threads per state (`jvm_threads_*`).",
      JvmThreadMetrics::new),
  /** Classes. */
  CLASSES(
      "jvm_classes_loaded_classes",
      "ClassLoaderMetrics",
      "Classes loaded now and unloaded so far (`jvm_classes_*`).",
      ClassLoaderMetrics::new),
  /** CPU. */
  CPU(
      "process_cpu_usage",
      "ProcessorMetrics",
      "CPU used by the process and by the whole system, 0 to 1 (`process_cpu_usage`,"
          + " `system_cpu_usage`), processors available (`system_cpu_count`), the load average"
          + " (`system_load_average_1m`).",
      ProcessorMetrics::new),
  /** Uptime. */
  UPTIME(
      "process_uptime_seconds",
      "UptimeMetrics",
      "Time since the JVM started, and when (`process_uptime_seconds`,"
          + " `process_start_time_seconds`).",
      UptimeMetrics::new),
  /** File descriptors. */
  FILES(
      "process_files_open_files",
      "FileDescriptorMetrics",
      "File descriptors open and the most the process may open (`process_files_open_files`,"
          + " `process_files_max_files`; on Unix-like systems).",
      FileDescriptorMetrics::new);

  private final String example;
  private final String binderName;
  private final String description;
  private final Supplier<MeterBinder> binder;

  JvmMetric(String example, String binderName, String description, Supplier<MeterBinder> binder) {
    this.example = example;
    this.binderName = binderName;
    this.description = description;
    this.binder = binder;
  }

  /** One of the meters it adds, as {@code /metrics} names it, e.g. {@code process_cpu_usage}. */
  public String example() {
    return example;
  }

  /** The simple name of the Micrometer binder, e.g. {@code ProcessorMetrics}. */
  public String binderName() {
    return binderName;
  }

  /** What its meters measure, for the docs. */
  public String description() {
    return description;
  }

  /** A new binder of these meters; a binder that is {@link AutoCloseable} is closed when done. */
  public MeterBinder binder() {
    return binder.get();
  }
}
