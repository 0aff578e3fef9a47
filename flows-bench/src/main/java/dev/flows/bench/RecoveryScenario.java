package dev.flows.bench;

import dev.flows.bench.RecoveryCase.Restart;
import dev.flows.bench.RecoveryCase.Sample;
import dev.flows.bench.RecoveryCase.ScaleDown;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 6: how long a stateful count's partitions go unserved when a worker is killed and
 * restarted, or one of two workers is stopped, per group membership (dynamic, static with {@code
 * FLOWS_INSTANCE_ID}, leaving on stop) and group protocol (classic, KIP-848). Workers are child
 * JVMs configured from the environment as {@code FlowsMain} is, on PostgreSQL, printing {@code
 * RecoveryMarks}; each run has a fresh group and table on one shared backlog.
 */
final class RecoveryScenario implements Scenario {
  static final int BACKLOG = 200_000;
  static final int KEYS = 1_000;

  private static final Map<String, String> W1 = Map.of("FLOWS_INSTANCE_ID", "w1");
  private static final Map<String, String> W2 = Map.of("FLOWS_INSTANCE_ID", "w2");
  private static final String KIP848 = "FLOWS_KAFKA_GROUP_PROTOCOL";

  static final List<RecoveryCase> CASES =
      List.of(
          new Restart("static", "restart after SIGKILL, static (FLOWS_INSTANCE_ID)", "classic", W1),
          new Restart(
              "dynamic", "restart after SIGKILL, dynamic (a new member)", "classic", Map.of()),
          new Restart(
              "dynamicold",
              "restart after SIGKILL, dynamic, session 45 s (Kafka's default; Flows before)",
              "classic",
              Map.of("FLOWS_KAFKA_SESSION_TIMEOUT_MS", "45000")),
          new ScaleDown("scaledyn", "scale 2 -> 1, dynamic", "classic", Map.of(), Map.of()),
          new ScaleDown(
              "scaleleave",
              "scale 2 -> 1, static, FLOWS_LEAVE_GROUP_ON_STOP=true",
              "classic",
              W1,
              with(W2, "FLOWS_LEAVE_GROUP_ON_STOP", "true")),
          new ScaleDown("scalestay", "scale 2 -> 1, static (stays by design)", "classic", W1, W2),
          new Restart(
              "kstatic",
              "restart after SIGKILL, static (FLOWS_INSTANCE_ID)",
              "consumer",
              with(W1, KIP848, "consumer")),
          new Restart(
              "kdynamic",
              "restart after SIGKILL, dynamic (a new member)",
              "consumer",
              Map.of(KIP848, "consumer")),
          new ScaleDown(
              "kscaledyn",
              "scale 2 -> 1, dynamic",
              "consumer",
              Map.of(KIP848, "consumer"),
              Map.of(KIP848, "consumer")),
          new ScaleDown(
              "kscaleleave",
              "scale 2 -> 1, static, FLOWS_LEAVE_GROUP_ON_STOP=true",
              "consumer",
              with(W1, KIP848, "consumer"),
              with(with(W2, KIP848, "consumer"), "FLOWS_LEAVE_GROUP_ON_STOP", "true")));

  private final List<Recovery> recoveries = new ArrayList<>();

  @Override
  public String name() {
    return "recovery";
  }

  @Override
  public String description(Harness h) {
    return String.format(
        "a stateful count on PostgreSQL over %,d keys, %d partitions, a backlog of %,d records;"
            + " workers are child JVMs (ChildJvm: -Xmx256m, SerialGC, C1) configured from the"
            + " environment; the clock runs from the restarted JVM's start (or the SIGTERM) to one"
            + " worker owning every partition, then to the first record its count sees; broker"
            + " defaults (KIP-848 session: group.consumer.session.timeout.ms 45 s)",
        KEYS, RecoveryWorkers.PARTITIONS, h.args().scaled(BACKLOG));
  }

  @Override
  public List<Result> run(Harness h) {
    String in = h.name("recovery-in");
    String out = h.name("recovery-out");
    h.kafka().createTopic(in, RecoveryWorkers.PARTITIONS);
    h.kafka().createTopic(out, RecoveryWorkers.PARTITIONS);
    h.kafka().load(in, h.args().scaled(BACKLOG), KEYS);
    Map<RecoveryCase, List<Sample>> samples = new LinkedHashMap<>();
    for (int rep = 1; rep <= h.args().repeat(); rep++) {
      for (RecoveryCase c : CASES) {
        String run = c.tag() + "-r" + rep;
        Params params =
            Params.of("in", in, "out", out, "pgUrl", h.services().postgresUrl())
                .with("name", h.name("rec-" + run))
                .with("table", h.table("rec_" + run));
        System.out.printf("  %-12s %-64s ...", name(), c.protocol() + ": " + c.name());
        System.out.flush();
        Sample s = measure(c, new RecoveryWorkers(h, params, run));
        System.out.printf(
            " %6.2f s + %s %s%s%n",
            s.toAssigned(),
            Double.isNaN(s.toFirstRecord())
                ? "     -  "
                : String.format("%6.2f s", s.toFirstRecord()),
            s.refused() > 0 ? s.refused() + " refused " : "",
            s.note());
        samples.computeIfAbsent(c, k -> new ArrayList<>()).add(s);
      }
    }
    samples.forEach((c, list) -> recoveries.add(recovery(c, list)));
    return List.of();
  }

  /** One run of {@code c}; a failure is noted and the other cases go on. */
  private static Sample measure(RecoveryCase c, RecoveryWorkers workers) {
    try {
      return c.measure(workers);
    } catch (RuntimeException e) {
      return new Sample(Double.NaN, Double.NaN, 0, "failed: " + e.getMessage());
    }
  }

  private static Recovery recovery(RecoveryCase c, List<Sample> samples) {
    List<Double> toFirst =
        samples.stream().map(Sample::toFirstRecord).filter(s -> !s.isNaN()).toList();
    List<String> notes = new ArrayList<>();
    IntSummaryStatistics refused = samples.stream().mapToInt(Sample::refused).summaryStatistics();
    if (refused.getMax() > 0) {
      notes.add(
          (refused.getMin() == refused.getMax()
                  ? Integer.toString(refused.getMax())
                  : refused.getMin() + "-" + refused.getMax())
              + " restarted JVMs refused first (UnreleasedInstanceIdException)");
    }
    samples.stream().map(Sample::note).filter(n -> !n.isEmpty()).distinct().forEach(notes::add);
    return new Recovery(
        c.name(),
        c.protocol(),
        c.event(),
        samples.stream().map(Sample::toAssigned).filter(s -> !s.isNaN()).toList(),
        toFirst,
        List.of(),
        String.join("; ", notes));
  }

  @Override
  public List<Recovery> recoveries() {
    return List.copyOf(recoveries);
  }

  @Override
  public List<Comparison> comparisons() {
    return List.of();
  }

  private static Map<String, String> with(Map<String, String> env, String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(env);
    copy.put(name, value);
    return Map.copyOf(copy);
  }
}
