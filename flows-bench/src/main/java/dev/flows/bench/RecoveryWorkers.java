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
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Starts the workers of one recovery run (a fresh group and state table on the shared backlog) and
 * waits on their {@link RecoveryMarks}, polling every {@value #POLL_MS} ms up to {@link #WAIT}.
 * Each worker's output is saved to the logs directory.
 */
final class RecoveryWorkers {
  static final int PARTITIONS = 6;
  static final Duration WAIT = Duration.ofSeconds(120);
  static final long POLL_MS = 20;

  private final Harness h;
  private final Params params;
  private final String run;

  /**
   * @param params the flow's topics, name, table and database for {@code flows-recovery}
   * @param run the run's id in log file names
   */
  RecoveryWorkers(Harness h, Params params, String run) {
    this.h = h;
    this.params = params;
    this.run = run;
  }

  /** A worker of this run's flow, with {@code env} added to a container-like environment. */
  ChildJvm start(String role, Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put("FLOWS_KAFKA_BOOTSTRAP_SERVERS", h.kafka().bootstrap());
    List<String> args = new ArrayList<>(List.of("flows-recovery"));
    args.addAll(params.toArgs());
    return ChildJvm.start(ChildMain.class, all, args.toArray(String[]::new));
  }

  static Timeline marks(ChildJvm worker) {
    return RecoveryMarks.read(worker.output());
  }

  /** When {@code worker}'s user function saw its first record, if it did yet. */
  static OptionalLong firstRecord(ChildJvm worker) {
    return Marks.firstIn(worker.output());
  }

  /** Waits until {@code worker}'s marks satisfy {@code done}; fails if it exits first. */
  Timeline await(ChildJvm worker, String what, Predicate<Timeline> done) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      Timeline t = marks(worker);
      if (done.test(t)) {
        return t;
      }
      if (!worker.isAlive() || System.nanoTime() > deadline) {
        save(worker, "failed");
        throw new IllegalStateException(
            (worker.isAlive() ? "timed out waiting for " : "the worker exited before ")
                + what
                + ", see "
                + log("failed"));
      }
      LockSupport.parkNanos(Duration.ofMillis(POLL_MS).toNanos());
    }
  }

  /** Waits until the two workers share the partitions, each owning some. */
  void awaitShared(ChildJvm a, ChildJvm b) {
    await(
        a,
        "both workers to own partitions",
        t -> t.owned() > 0 && marks(b).owned() > 0 && t.owned() + marks(b).owned() == PARTITIONS);
  }

  /**
   * Waits until the last of {@code restarts} owns every partition and saw its first record; one
   * that exits first (refused) is replaced at once by a new worker, added to {@code restarts}.
   */
  Timeline awaitRestarted(List<ChildJvm> restarts, Map<String, String> env) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      ChildJvm current = restarts.get(restarts.size() - 1);
      Timeline t = marks(current);
      if (t.owned() == PARTITIONS && firstRecord(current).isPresent()) {
        save(current, "restarted");
        return t;
      }
      if (!current.isAlive()) {
        save(current, "refused-" + restarts.size());
        restarts.add(start("restarted", env));
      }
      LockSupport.parkNanos(Duration.ofMillis(POLL_MS).toNanos());
    }
    throw new IllegalStateException("no restarted worker processed within " + WAIT);
  }

  void save(ChildJvm worker, String role) {
    try {
      Files.writeString(log(role), worker.output());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path log(String role) {
    return h.args().out().resolve("logs").resolve("recovery-" + run + "-" + role + ".log");
  }
}
