package dev.flows.spi;

import java.time.Duration;
import java.time.Instant;

/**
 * Decides which replica of a cron flow fires a tick: the first to claim it. A store's claims are
 * shared by every process using the same store (PostgreSQL table {@code flows_cron_ticks}, or one
 * JVM's memory), so replicas of a flow fire each tick once between them. A tick is claimed before
 * its value is produced and published: a replica that stops or dies after claiming and before the
 * broker confirmed loses that tick (at most once per tick across replicas). Thread-safe.
 */
public interface CronClaims {
  /** How long claimed ticks are kept before they are purged: one day. */
  Duration KEPT = Duration.ofDays(1);

  /** Claims that let every instance fire every tick: what a store without claims offers. */
  CronClaims EVERY_INSTANCE = (flow, tick) -> true;

  /**
   * Claims {@code tick} of {@code flow}: {@code true} for the first caller only, {@code false} for
   * every later one. Also forgets, in a bounded batch, ticks of the flow older than {@link #KEPT}
   * before {@code tick}.
   *
   * @throws dev.flows.FlowsException if the store cannot be reached; the tick is then unclaimed
   */
  boolean claim(String flow, Instant tick);
}
