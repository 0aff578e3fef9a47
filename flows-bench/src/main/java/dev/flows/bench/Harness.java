package dev.flows.bench;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * What scenarios share: the arguments, the services, the broker operations and the child runner,
 * plus the id of this invocation that keeps its topics, groups, tables and queues apart from
 * earlier ones on shared services.
 */
record Harness(
    BenchArgs args, Services services, KafkaOps kafka, ChildRunner runner, String runId) {
  /** Per-run timeout of a contender: {@value} seconds. */
  static final long RUN_TIMEOUT_SECONDS = 240;

  /** A topic, group or flow name unique to this invocation: {@code bench-<runId>-<suffix>}. */
  String name(String suffix) {
    return "bench-" + runId + "-" + suffix;
  }

  /** A SQL identifier unique to this invocation. */
  String table(String suffix) {
    return "bench_" + runId + "_" + suffix.replace('-', '_');
  }

  Params base() {
    return Params.of("bootstrap", kafka.bootstrap());
  }

  /** Runs one contender and prints its line. */
  Measurement measure(
      String scenario,
      String contender,
      String child,
      Params params,
      long records,
      LongSupplier progress,
      List<String> extraFlags)
      throws Exception {
    String id = scenario + "-" + contender.replaceAll("[^a-zA-Z0-9=-]+", "_");
    System.out.printf("  %-12s %-24s ...", scenario, contender);
    System.out.flush();
    Measurement m =
        runner.run(
            new ChildRunner.Run(
                id, child, params, records, progress, RUN_TIMEOUT_SECONDS, extraFlags));
    System.out.printf(
        " %,10.0f records/s  %6.1f s  peak RSS %5.0f MiB%n",
        m.perSecond(), m.seconds(), m.peakRssMb());
    return m;
  }
}
