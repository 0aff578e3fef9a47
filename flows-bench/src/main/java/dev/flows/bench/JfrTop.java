package dev.flows.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * The hottest frames of a JFR recording after {@code since} (the measured interval, without JVM
 * start-up), as {@code jfr print --events jdk.ExecutionSample} would show them one by one: CPU
 * samples by thread, by self time (top of stack), by the nearest Flows frame (which Flows method
 * the time is spent under) and by Flows frames on the stack at all; allocation samples by class and
 * by nearest Flows frame.
 */
final class JfrTop {
  /**
   * Execution samples every 2 ms (the {@code profile} preset takes 10-20 ms) and sampled
   * allocations.
   */
  private static final String SETTINGS =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <configuration version="2.0" label="flows-bench">
        <event name="jdk.ExecutionSample"><setting name="enabled">true</setting><setting name="period">2 ms</setting></event>
        <event name="jdk.ObjectAllocationSample"><setting name="enabled">true</setting><setting name="throttle">500/s</setting>\
      <setting name="stackTrace">true</setting></event>
        <event name="jdk.GarbageCollection"><setting name="enabled">true</setting><setting name="threshold">0 ms</setting></event>
      </configuration>
      """;

  private JfrTop() {}

  /**
   * The JVM flags that record {@code recording} with the profiling settings written to {@code out}.
   */
  static List<String> flags(Path recording, Path out) throws IOException {
    return List.of(
        "-XX:StartFlightRecording=filename="
            + recording
            + ",settings="
            + settings(out)
            + ",dumponexit=true");
  }

  /**
   * Writes the recording settings into {@code dir}; returns their path for {@code
   * -XX:StartFlightRecording=settings=}.
   */
  static Path settings(Path dir) throws IOException {
    Path file = dir.resolve("flows-bench.jfc").toAbsolutePath();
    Files.writeString(file, SETTINGS);
    return file;
  }

  static void print(Path recording, Instant since, int limit) throws IOException {
    Map<String, Map<String, Long>> tables = new HashMap<>();
    long samples = 0;
    long allocated = 0;
    long gcs = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      if (event.getStartTime().isBefore(since)) {
        continue;
      }
      switch (event.getEventType().getName()) {
        case "jdk.ExecutionSample" -> {
          samples++;
          cpu(event, tables);
        }
        case "jdk.ObjectAllocationSample" -> allocated += allocation(event, tables);
        case "jdk.GarbageCollection" -> gcs++;
        default -> {}
      }
    }
    System.out.printf(
        "%nJFR %s, measured interval: %,d execution samples, %,d GCs, ~%,d MiB allocated (sampled)%n",
        recording.getFileName(), samples, gcs, allocated / (1024 * 1024));
    table("CPU by thread", tables.get("thread"), samples, 6);
    table("CPU top frames (self)", tables.get("self"), samples, limit);
    table("CPU under the nearest Flows frame", tables.get("nearest"), samples, limit);
    table("CPU, Flows frames on the stack (total)", tables.get("total"), samples, limit);
    table("allocation by class", tables.get("class"), allocated, 10);
    table("allocation under the nearest Flows frame", tables.get("allocNearest"), allocated, 12);
  }

  private static void cpu(RecordedEvent event, Map<String, Map<String, Long>> tables) {
    if (event.getStackTrace() == null) {
      return;
    }
    RecordedThread thread = event.getThread("sampledThread");
    add(
        tables,
        "thread",
        thread == null ? "?" : thread.getJavaName().replaceAll("bench-[a-z0-9]+-", ""),
        1);
    List<String> frames = event.getStackTrace().getFrames().stream().map(JfrTop::name).toList();
    if (!frames.isEmpty()) {
      add(tables, "self", frames.get(0), 1);
    }
    frames.stream()
        .filter(JfrTop::isFlows)
        .findFirst()
        .ifPresent(f -> add(tables, "nearest", f, 1));
    Set<String> flows = new LinkedHashSet<>();
    frames.stream().filter(JfrTop::isFlows).forEach(flows::add);
    flows.forEach(f -> add(tables, "total", f, 1));
  }

  private static long allocation(RecordedEvent event, Map<String, Map<String, Long>> tables) {
    long weight = event.getLong("weight");
    add(tables, "class", event.getClass("objectClass").getName(), weight);
    if (event.getStackTrace() != null) {
      event.getStackTrace().getFrames().stream()
          .map(JfrTop::name)
          .filter(JfrTop::isFlows)
          .findFirst()
          .ifPresent(f -> add(tables, "allocNearest", f, weight));
    }
    return weight;
  }

  private static void add(
      Map<String, Map<String, Long>> tables, String table, String key, long amount) {
    tables.computeIfAbsent(table, t -> new HashMap<>()).merge(key, amount, Long::sum);
  }

  private static boolean isFlows(String frame) {
    return frame.startsWith("dev.flows.")
        && !frame.startsWith("dev.flows.bench.")
        && !frame.contains("$$Lambda");
  }

  private static void table(String title, Map<String, Long> counts, long total, int limit) {
    System.out.println("  " + title + ":");
    if (counts == null) {
      return;
    }
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(limit)
        .forEach(
            e ->
                System.out.printf(
                    "    %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getKey()));
  }

  private static String name(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }
}
