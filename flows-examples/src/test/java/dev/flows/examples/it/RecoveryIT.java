package dev.flows.examples.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.testkit.Awaits;
import dev.flows.testkit.ChildJvm;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.RecoveryMarks;
import dev.flows.testkit.RecoveryMarks.Timeline;
import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery in seconds (docs/operations.md, "Group membership"): a worker restarted after SIGKILL
 * with {@code FLOWS_INSTANCE_ID} takes its partitions back without waiting for the old session, and
 * a worker stopped with SIGTERM hands its partitions to the survivor at once, dynamic or static
 * with {@code FLOWS_LEAVE_GROUP_ON_STOP}. Workers run in child JVMs configured from the environment
 * and print {@link RecoveryMarks}; the bounds are loose (a loaded 2-core machine), the precise
 * figures come from {@code make bench} (scenario {@code recovery}).
 */
@FlowsServices
class RecoveryIT {
  private static final Logger LOG = LoggerFactory.getLogger(RecoveryIT.class);
  private static final int PARTITIONS = 4;
  private static final int KEYS = 100;
  private static final Duration RESTART_BOUND = Duration.ofSeconds(15);
  private static final Duration HANDOVER_BOUND = Duration.ofSeconds(5);

  /** Longer than Kafka's 45 s session timeout, so a slow recovery is measured, not cut short. */
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void shouldProcessWithinSecondsWhenAStaticMemberIsRestartedAfterSigkill(
      TestKafka kafka, TestPostgres postgres) {
    CountFlow count = new CountFlow("restart");
    CountChecks checks = new CountChecks(count, kafka, postgres, KEYS);
    checks.prepare(PARTITIONS);
    checks.produce(0, 20_000);
    Map<String, String> env = Map.of("FLOWS_INSTANCE_ID", "w1");

    try (ChildJvm first = RecoveryWorker.start(count, kafka, postgres, env)) {
      awaitOwning(first, PARTITIONS);
      Awaits.until(WAIT, "the first worker to apply records", () -> checks.appliedSum() > 0);
      first.kill();
    }
    checks.produce(20_000, 30_000); // a backlog for the replacement, whatever the first one did

    try (ChildJvm restarted = RecoveryWorker.start(count, kafka, postgres, env)) {
      Awaits.until(
          WAIT,
          "the restarted worker's first output",
          () -> marks(restarted).firstOutput().isPresent() || !restarted.isAlive());
      Timeline t = marks(restarted);
      assertTrue(t.firstOutput().isPresent(), "the worker died:\n" + restarted.output());
      long start = t.start().getAsLong();
      long assigned = t.owning(PARTITIONS, start).getAsLong();
      long firstOutput = t.firstOutput().getAsLong();
      LOG.info(
          "restart after SIGKILL: JVM start to every partition {} ms, to the first output {} ms",
          assigned - start,
          firstOutput - assigned);
      assertTrue(
          firstOutput - start <= RESTART_BOUND.toMillis(),
          "first output " + (firstOutput - start) + " ms after the JVM started");
      assertEquals(
          Set.of(count.name() + "-w1"), instanceIds(kafka, count.name()), "static member ids");
      Awaits.until(WAIT, "every record applied", () -> checks.appliedSum() >= 30_000);
    }
    checks.assertExactCounts(30_000);
    checks.assertEveryInputPublished(30_000);
  }

  @Test
  void shouldMoveEveryPartitionWithinSecondsWhenADynamicMemberIsStopped(
      TestKafka kafka, TestPostgres postgres) {
    scaleDown(new CountFlow("scaledyn"), kafka, postgres, Map.of(), Map.of());
  }

  @Test
  void shouldMoveEveryPartitionWithinSecondsWhenAStaticMemberIsStoppedForScaleDown(
      TestKafka kafka, TestPostgres postgres) {
    CountFlow count = new CountFlow("scalestatic");
    Set<String> ids =
        scaleDown(
            count,
            kafka,
            postgres,
            Map.of("FLOWS_INSTANCE_ID", "w1"),
            Map.of("FLOWS_INSTANCE_ID", "w2", "FLOWS_LEAVE_GROUP_ON_STOP", "true"));
    assertEquals(Set.of(count.name() + "-w1", count.name() + "-w2"), ids, "static member ids");
  }

  /**
   * Why static membership is opt-in: two processes with one {@code FLOWS_INSTANCE_ID} (say, two
   * workers on one host named after it) cannot both be members. The newer one takes the partitions,
   * the broker fences the older one, whose flow stops.
   */
  @Test
  void shouldStopTheOlderWorkerWhenASecondOneStartsWithItsInstanceId(
      TestKafka kafka, TestPostgres postgres) {
    CountFlow count = new CountFlow("fenced");
    CountChecks checks = new CountChecks(count, kafka, postgres, KEYS);
    checks.prepare(PARTITIONS);
    checks.produce(0, 2_000);
    Map<String, String> env = Map.of("FLOWS_INSTANCE_ID", "w1");
    try (ChildJvm older = RecoveryWorker.start(count, kafka, postgres, env)) {
      awaitOwning(older, PARTITIONS);
      try (ChildJvm newer = RecoveryWorker.start(count, kafka, postgres, env)) {
        Awaits.until(WAIT, "the older worker to stop", () -> !older.isAlive());
        assertTrue(
            older.output().contains("FencedInstanceIdException"), "not fenced:\n" + older.output());
        awaitOwning(newer, PARTITIONS);
      }
    }
  }

  /**
   * KIP-848 ({@code group.protocol=consumer}): the broker refuses a static member restarted after
   * SIGKILL while the old member's session lasts ({@code UNRELEASED_INSTANCE_ID}), and the client
   * treats that as fatal: the flow stops and the process exits. This is why the classic protocol
   * stays the default; {@code make bench} measures how long a restarted worker waits.
   */
  @Test
  void shouldRefuseARestartedStaticMemberWhenTheGroupUsesTheConsumerProtocol(
      TestKafka kafka, TestPostgres postgres) {
    CountFlow count = new CountFlow("kipstatic");
    CountChecks checks = new CountChecks(count, kafka, postgres, KEYS);
    checks.prepare(PARTITIONS);
    checks.produce(0, 2_000);
    Map<String, String> env =
        Map.of("FLOWS_INSTANCE_ID", "w1", "FLOWS_KAFKA_GROUP_PROTOCOL", "consumer");
    try (ChildJvm first = RecoveryWorker.start(count, kafka, postgres, env)) {
      awaitOwning(first, PARTITIONS);
      first.kill();
    }
    try (ChildJvm restarted = RecoveryWorker.start(count, kafka, postgres, env)) {
      Awaits.until(
          WAIT,
          "the restarted worker to own partitions or to stop",
          () -> marks(restarted).owned() > 0 || !restarted.isAlive());
      LOG.info("KIP-848 static restart, the worker's output:\n{}", restarted.output());
      assertTrue(
          restarted.output().contains("UnreleasedInstanceIdException"),
          "not refused:\n" + restarted.output());
      assertTrue(restarted.awaitExit(WAIT).isPresent(), "still running:\n" + restarted.output());
    }
  }

  /**
   * Two workers share the partitions; {@code leaver} gets SIGTERM, {@code survivor} must own every
   * partition within {@link #HANDOVER_BOUND}, then count the rest exactly. Returns the group
   * instance ids the two members had.
   */
  private static Set<String> scaleDown(
      CountFlow count,
      TestKafka kafka,
      TestPostgres postgres,
      Map<String, String> survivorEnv,
      Map<String, String> leaverEnv) {
    CountChecks checks = new CountChecks(count, kafka, postgres, KEYS);
    checks.prepare(PARTITIONS);
    checks.produce(0, 4_000);
    Set<String> ids;
    try (ChildJvm survivor = RecoveryWorker.start(count, kafka, postgres, survivorEnv);
        ChildJvm leaver = RecoveryWorker.start(count, kafka, postgres, leaverEnv)) {
      Awaits.until(
          WAIT,
          "both workers to own partitions",
          () -> marks(survivor).owned() > 0 && marks(leaver).owned() > 0);
      ids = instanceIds(kafka, count.name());
      long stop = System.currentTimeMillis();
      leaver.terminate();
      Awaits.until(
          WAIT,
          "the survivor to own every partition",
          () -> marks(survivor).owning(PARTITIONS, stop).isPresent() || !survivor.isAlive());
      long handover = marks(survivor).owning(PARTITIONS, stop).orElseThrow() - stop;
      LOG.info("{}: SIGTERM to every partition on the survivor {} ms", count.name(), handover);
      assertTrue(
          handover <= HANDOVER_BOUND.toMillis(),
          "the survivor owned every partition " + handover + " ms after SIGTERM");
      assertEquals(
          ChildJvm.EXIT_ON_SIGTERM, leaver.awaitExit(WAIT).orElse(-1), "exit:\n" + leaver.output());
      checks.produce(4_000, 6_000);
      Awaits.until(WAIT, "every record applied", () -> checks.appliedSum() >= 6_000);
    }
    checks.assertExactCounts(6_000);
    return ids;
  }

  private static void awaitOwning(ChildJvm worker, int partitions) {
    Awaits.until(
        WAIT,
        "the worker to own " + partitions + " partitions",
        () -> marks(worker).owned() == partitions || !worker.isAlive());
    assertTrue(worker.isAlive(), "the worker died:\n" + worker.output());
  }

  private static Timeline marks(ChildJvm worker) {
    return RecoveryMarks.read(worker.output());
  }

  /** The {@code group.instance.id} of every member of {@code group} ("-" for a dynamic one). */
  static Set<String> instanceIds(TestKafka kafka, String group) {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      List<MemberDescription> members =
          List.copyOf(
              admin
                  .describeConsumerGroups(List.of(group))
                  .all()
                  .get(30, TimeUnit.SECONDS)
                  .get(group)
                  .members());
      Set<String> ids = new TreeSet<>();
      members.forEach(m -> ids.add(m.groupInstanceId().orElse("-")));
      return ids;
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("cannot describe group " + group, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
