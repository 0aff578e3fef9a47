package dev.flows.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Benchmarks Flows side by side with Kafka Streams and the raw clients ({@code make bench}): the
 * same broker, input and machine for every contender, and ratios measured within one run, since
 * absolute numbers on a shared machine are noise. Starts (or finds) Kafka, PostgreSQL and RabbitMQ,
 * loads each scenario's input once, runs every contender in its own JVM one after another on it,
 * then prints the absolute figures and the ratios (Flows / peer) and writes {@code results.json},
 * {@code results.png} and, for a full run, {@code docs/benchmarks.md} with its chart {@code
 * docs/benchmarks.png}. See {@link BenchArgs#USAGE} for the options.
 */
public final class Bench {
  /** The whole run stops starting scenarios after this many minutes: {@value}. */
  static final long BUDGET_MINUTES = 30;

  private Bench() {}

  /** Runs the benchmarks; see {@link BenchArgs#USAGE}. */
  public static void main(String[] args) throws Exception {
    System.setProperty(
        "org.slf4j.simpleLogger.defaultLogLevel", "warn"); // the embedded broker is chatty at INFO
    BenchArgs options = BenchArgs.parse(args);
    List<Scenario> scenarios =
        List.of(
            new StatelessScenario(),
            new StatefulScenario(),
            new WindowedScenario(),
            new SessionScenario(),
            new MaterialiseScenario(),
            new MaterialiseSqlScenario(),
            new IoBoundScenario(),
            new StatefulIoScenario(),
            new TaskScenario(),
            new RecoveryScenario(),
            new RestartScenario());
    for (String name : options.only()) {
      if (scenarios.stream().noneMatch(s -> s.name().equals(name))) {
        throw new IllegalArgumentException(
            "unknown scenario "
                + name
                + "; choose from "
                + scenarios.stream().map(Scenario::name).toList());
      }
    }
    Files.createDirectories(options.out().resolve("logs"));
    long started = System.nanoTime();
    String loadAtStart = Machine.loadAverage();
    Report report;
    try (Services services = Services.start(System.getenv());
        KafkaOps kafka = new KafkaOps(services.bootstrap())) {
      String runId = Long.toString(System.currentTimeMillis() / 1000, 36);
      Harness h =
          new Harness(
              options,
              services,
              kafka,
              new ChildRunner(options.out().resolve("logs"), options.memory()),
              runId);
      System.out.printf(
          "flows-bench %s on %s%n%s%n%n",
          options.command(), Machine.current().describe(), services.describe());
      report = runAll(h, scenarios, started, loadAtStart);
    }
    System.out.println();
    System.out.print(report.resultsTable());
    System.out.println();
    System.out.print(report.ratiosTable());
    System.out.print(report.recoveryTable());
    System.out.print(report.skippedText());
    System.out.println("load average: " + report.load());
    write(report, options);
    System.out.printf("%ntook %d s%n", Duration.ofNanos(System.nanoTime() - started).toSeconds());
  }

  private static Report runAll(
      Harness h, List<Scenario> scenarios, long started, String loadAtStart) {
    List<Result> results = new ArrayList<>();
    List<Comparison> comparisons = new ArrayList<>();
    List<Recovery> recoveries = new ArrayList<>();
    Map<String, String> descriptions = new LinkedHashMap<>();
    Map<String, String> skipped = new LinkedHashMap<>();
    for (Scenario scenario : scenarios) {
      if (!h.args().selected(scenario.name())
          || h.args().only().isEmpty() && !scenario.inFullRun()) {
        continue;
      }
      Optional<String> skip = scenario.skipReason(h);
      if (skip.isEmpty()
          && Duration.ofNanos(System.nanoTime() - started).toMinutes() >= BUDGET_MINUTES) {
        skip = Optional.of("the run's " + BUDGET_MINUTES + "-minute budget was spent");
      }
      if (skip.isPresent()) {
        System.out.println("skipping " + scenario.name() + ": " + skip.get());
        skipped.put(scenario.name(), skip.get());
        continue;
      }
      try {
        System.out.println(scenario.name() + ": " + scenario.description(h));
        results.addAll(scenario.run(h));
        descriptions.put(scenario.name(), scenario.description(h));
        comparisons.addAll(scenario.comparisons());
        recoveries.addAll(scenario.recoveries());
      } catch (Exception e) {
        System.out.println("\n  " + scenario.name() + " failed: " + e.getMessage());
        skipped.put(scenario.name(), "failed: " + e.getMessage());
      }
    }
    return new Report(
        Instant.now(),
        h.args().command(),
        Machine.current(),
        h.services().describe(),
        descriptions,
        results,
        comparisons,
        recoveries,
        skipped,
        loadAtStart
            + " at start, "
            + Machine.loadAverage()
            + " at end (2 cores: above 2 means other work competed)");
  }

  private static void write(Report report, BenchArgs options) throws Exception {
    Path json = options.out().resolve("results.json");
    Path png = options.out().resolve("results.png");
    JsonReport.write(report, json);
    Chart.write(report, png);
    System.out.println("wrote " + json + " and " + png);
    if (options.docs() != null) {
      Path chart = MarkdownReport.chart(options.docs());
      MarkdownReport.write(report, options.docs());
      Chart.write(report, chart);
      System.out.println("wrote " + options.docs() + " and " + chart);
    }
  }
}
