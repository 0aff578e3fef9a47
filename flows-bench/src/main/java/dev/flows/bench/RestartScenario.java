package dev.flows.bench;

import dev.flows.testkit.ChildJvm;
import dev.flows.testkit.RecoveryMarks;
import dev.flows.testkit.RecoveryMarks.Timeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Scenario P5: a stateful count holding {@value #KEYS} keys loses its worker to SIGKILL; a new
 * worker starts as a new container would (Kafka Streams with an empty state directory, so it
 * restores RocksDB from the changelog; Flows with nothing to restore, its state in PostgreSQL)
 * while a backlog of {@value #BACKLOG} records waits. Static membership for both (the new worker
 * takes the old one's {@code group.instance.id}), then dynamic for both; the same session and
 * heartbeat. Three intervals: the new JVM's start to owning every partition, then to the first
 * record its user function sees ({@link Marks#first}, the same hook in both: Kafka Streams' before
 * its count, Flows' in its state function, after the row's load), then to the backlog processed
 * (the group's committed offsets at the topic's end). Flows' first output (state written, record
 * sent) is noted beside.
 */
final class RestartScenario implements Scenario {
  static final int KEYS = 1_000_000;
  static final int BACKLOG = 100_000;
  static final int PARTITIONS = 6;
  private static final Duration WAIT = Duration.ofSeconds(300);
  private static final long POLL_MS = 20;

  /** A worker kind: its {@link ChildMain} contender and the row label. */
  private record Contender(String label, String child) {}

  private static final List<Contender> CONTENDERS =
      List.of(
          new Contender("flows+postgres", "flows-recovery"),
          new Contender("kafka-streams", "streams-recovery"));

  /** Worker environment per membership: static takes the killed worker's instance id. */
  private static final Map<String, Map<String, String>> MEMBERSHIPS =
      Map.of("static", Map.of("FLOWS_INSTANCE_ID", "w1"), "dynamic", Map.of());

  private final List<Recovery> recoveries = new ArrayList<>();

  @Override
  public String name() {
    return "restart";
  }

  @Override
  public String description(Harness h) {
    return String.format(
        "a stateful count over %,d keys (%d partitions) is killed with SIGKILL, a new worker starts"
            + " as a new container (Kafka Streams: empty state directory, restores RocksDB from its"
            + " changelog; Flows: state in PostgreSQL, nothing to restore) with a backlog of %,d"
            + " records; workers are child JVMs (ChildJvm: -Xmx256m, SerialGC, C1), session %d ms"
            + " for both",
        h.args().scaled(KEYS),
        PARTITIONS,
        h.args().scaled(BACKLOG),
        dev.flows.kafka.KafkaConnector.DEFAULT_SESSION_TIMEOUT_MS);
  }

  @Override
  public List<Result> run(Harness h) throws IOException {
    Map<String, List<double[]>> samples = new LinkedHashMap<>();
    for (int rep = 1; rep <= h.args().repeat(); rep++) {
      for (String membership : List.of("static", "dynamic")) {
        for (Contender c : CONTENDERS) {
          String row = c.label() + ", " + membership;
          System.out.printf("  %-12s %-40s ...", name(), row);
          System.out.flush();
          double[] s = measureOrNote(h, c, membership, rep);
          System.out.printf(
              " %6.2f s + %6.2f s + %6.2f s%s%n",
              s[0],
              s[1],
              s[2],
              Double.isNaN(s[3]) ? "" : String.format(" (first output +%.2f s)", s[3]));
          samples.computeIfAbsent(row, k -> new ArrayList<>()).add(s);
        }
      }
    }
    samples.forEach(
        (row, list) ->
            recoveries.add(
                new Recovery(
                    "restart after SIGKILL with " + h.args().scaled(KEYS) + " keys: " + row,
                    row.startsWith("kafka-streams") ? "restore" : "no restore",
                    "JVM start",
                    column(list, 0),
                    column(list, 1),
                    column(list, 2),
                    firstOutputNote(column(list, 3)))));
    return List.of();
  }

  /**
   * For a contender that marks its first output (Flows: its first state written and published), how
   * long after its first record that came.
   */
  private static String firstOutputNote(List<Double> seconds) {
    return seconds.isEmpty()
        ? ""
        : "first output " + Recovery.median(seconds) + " s after the first record";
  }

  private static List<Double> column(List<double[]> samples, int i) {
    return samples.stream().map(s -> s[i]).filter(d -> !d.isNaN()).toList();
  }

  /** One run; a failure is printed and gives NaNs, and the other runs go on. */
  private double[] measureOrNote(Harness h, Contender c, String membership, int rep)
      throws IOException {
    try {
      return measure(h, c, membership, rep);
    } catch (RuntimeException e) {
      System.out.printf(" failed: %s%n", e.getMessage());
      return new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
    }
  }

  /** One run on a topic, group and state of its own. */
  private double[] measure(Harness h, Contender c, String membership, int rep) throws IOException {
    String run = c.child().substring(0, c.child().indexOf('-')) + "-" + membership + "-r" + rep;
    String in = h.name("restart-in-" + run);
    String out = h.name("restart-out-" + run);
    String group = h.name("restart-" + run);
    h.kafka().createTopic(in, PARTITIONS);
    h.kafka().createTopic(out, PARTITIONS);
    int keys = h.args().scaled(KEYS);
    h.kafka().load(in, keys, keys);
    Params params =
        Params.of("in", in, "out", out, "pgUrl", h.services().postgresUrl())
            .with("name", group)
            .with("table", h.table("restart_" + run.replace('-', '_')));
    Map<String, String> env = new HashMap<>(MEMBERSHIPS.get(membership));
    env.put("FLOWS_KAFKA_BOOTSTRAP_SERVERS", h.kafka().bootstrap());
    env.put("JAVA_TOOL_OPTIONS", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    Path logs = h.args().out().resolve("logs");
    try (ChildJvm first = start(c, params, env, stateDir(h, run, "first"))) {
      await(
          first,
          "the first worker to process " + keys + " keys",
          () -> committed(h, group) >= keys);
      first.kill();
      Files.writeString(logs.resolve("restart-" + run + "-first.log"), first.output());
    }
    int backlog = h.args().scaled(BACKLOG);
    h.kafka().load(in, backlog, keys);
    try (ChildJvm next = start(c, params, env, stateDir(h, run, "next"))) {
      Timeline t =
          await(
              next,
              "the new worker to own every partition and process one record",
              () -> {
                Timeline m = RecoveryMarks.read(next.output());
                return m.owned() == PARTITIONS && Marks.firstIn(next.output()).isPresent();
              });
      await(next, "the backlog to be processed", () -> committed(h, group) >= keys + backlog);
      long caughtUp = System.currentTimeMillis();
      Files.writeString(logs.resolve("restart-" + run + "-next.log"), next.output());
      long start = t.start().orElseThrow();
      long assigned = t.owning(PARTITIONS, start).orElseThrow();
      long firstRecord = Marks.firstIn(next.output()).orElseThrow();
      OptionalLong firstOutput = RecoveryMarks.read(next.output()).firstOutput();
      return new double[] {
        (assigned - start) / 1000.0,
        (firstRecord - assigned) / 1000.0,
        (caughtUp - firstRecord) / 1000.0,
        firstOutput.isPresent() ? (firstOutput.getAsLong() - firstRecord) / 1000.0 : Double.NaN
      };
    }
  }

  private static long committed(Harness h, String group) {
    return h.kafka().committedSum(group);
  }

  private static ChildJvm start(
      Contender c, Params params, Map<String, String> env, Path stateDir) {
    List<String> args = new ArrayList<>(List.of(c.child()));
    args.addAll(params.with("stateDir", stateDir).toArgs());
    return ChildJvm.start(ChildMain.class, env, args.toArray(String[]::new));
  }

  /** An empty state directory per worker: a new container's. */
  private static Path stateDir(Harness h, String run, String worker) {
    try {
      return Files.createDirectories(h.args().out().resolve("state").resolve(run + "-" + worker));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Polls {@code done} until it holds; fails if the worker exits or {@link #WAIT} passes. */
  private static Timeline await(ChildJvm worker, String what, BooleanSupplier done) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      if (!worker.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            (worker.isAlive() ? "timed out waiting for " : "the worker exited before ")
                + what
                + "; its output ends with: "
                + tail(worker.output()));
      }
      LockSupport.parkNanos(Duration.ofMillis(POLL_MS).toNanos());
    }
    return RecoveryMarks.read(worker.output());
  }

  private static String tail(String output) {
    return output.substring(Math.max(0, output.length() - 2000));
  }

  @Override
  public List<Recovery> recoveries() {
    return List.copyOf(recoveries);
  }

  @Override
  public List<Comparison> comparisons() {
    return List.of();
  }
}
