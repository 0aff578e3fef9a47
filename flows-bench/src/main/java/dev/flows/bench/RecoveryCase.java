package dev.flows.bench;

import dev.flows.testkit.ChildJvm;
import dev.flows.testkit.RecoveryMarks.Timeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One fault of the recovery scenario, measured once by {@link #measure(RecoveryWorkers)}: a worker
 * killed and restarted, or one of two workers stopped.
 */
sealed interface RecoveryCase {
  /** A short lower-case id, part of the run's group name. */
  String tag();

  /** The row's name in the table. */
  String name();

  /** The group protocol of the workers: {@code classic} or {@code consumer}. */
  String protocol();

  /** What starts the clock. */
  String event();

  /** Runs the fault once on fresh workers of {@code workers}' group. */
  Sample measure(RecoveryWorkers workers);

  /**
   * One measurement.
   *
   * @param toAssigned seconds from the event until one worker owned every partition
   * @param toFirstRecord seconds from then to the first record its user function saw, or NaN if not
   *     measured
   * @param refused restarted workers the broker refused before one was accepted
   * @param note what else happened
   */
  record Sample(double toAssigned, double toFirstRecord, int refused, String note) {}

  /**
   * A worker processing a backlog is killed with SIGKILL, then started again with the same
   * environment (the same {@code FLOWS_INSTANCE_ID}, if any), as a container restarted in its pod.
   * A restarted worker that stops on its own (refused by the broker) is started again at once, as a
   * supervisor without back-off would; the clock runs from the first restarted JVM's start.
   */
  record Restart(String tag, String name, String protocol, Map<String, String> env)
      implements RecoveryCase {
    @Override
    public String event() {
      return "JVM start";
    }

    @Override
    public Sample measure(RecoveryWorkers workers) {
      try (ChildJvm first = workers.start("first", env)) {
        workers.await(first, "the first worker's output", t -> t.firstOutput().isPresent());
        first.kill();
        workers.save(first, "first");
      }
      List<ChildJvm> restarts = new ArrayList<>();
      try {
        restarts.add(workers.start("restarted", env));
        Timeline t = workers.awaitRestarted(restarts, env);
        long start = RecoveryWorkers.marks(restarts.get(0)).start().orElseThrow();
        long assigned = t.owning(RecoveryWorkers.PARTITIONS, start).orElseThrow();
        return new Sample(
            (assigned - start) / 1000.0,
            (RecoveryWorkers.firstRecord(restarts.get(restarts.size() - 1)).orElseThrow()
                    - assigned)
                / 1000.0,
            restarts.size() - 1,
            "");
      } finally {
        restarts.forEach(ChildJvm::close);
      }
    }
  }

  /**
   * Two workers share the partitions; one gets SIGTERM (a scale-down) and the clock runs until the
   * survivor owns every partition.
   */
  record ScaleDown(
      String tag,
      String name,
      String protocol,
      Map<String, String> survivorEnv,
      Map<String, String> leaverEnv)
      implements RecoveryCase {
    @Override
    public String event() {
      return "SIGTERM";
    }

    @Override
    public Sample measure(RecoveryWorkers workers) {
      try (ChildJvm survivor = workers.start("survivor", survivorEnv);
          ChildJvm leaver = workers.start("leaver", leaverEnv)) {
        workers.awaitShared(survivor, leaver);
        long stop = System.currentTimeMillis();
        leaver.terminate();
        Timeline t =
            workers.await(
                survivor,
                "the survivor to own every partition",
                m -> m.owning(RecoveryWorkers.PARTITIONS, stop).isPresent());
        boolean exited = leaver.awaitExit(RecoveryWorkers.WAIT).isPresent();
        workers.save(survivor, "survivor");
        workers.save(leaver, "leaver");
        return new Sample(
            (t.owning(RecoveryWorkers.PARTITIONS, stop).getAsLong() - stop) / 1000.0,
            Double.NaN,
            0,
            exited ? "" : "the stopped worker did not exit");
      }
    }
  }
}
