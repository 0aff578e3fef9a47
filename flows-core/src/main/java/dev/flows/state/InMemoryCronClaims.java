package dev.flows.state;

import dev.flows.spi.CronClaims;
import java.time.Instant;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Cron claims in this JVM's memory: replicas sharing one {@link InMemoryStateStore} fire each tick
 * once. Thread-safe.
 */
final class InMemoryCronClaims implements CronClaims {
  /** Most ticks one claim forgets. */
  static final int PURGE_BATCH = 1000;

  private final Map<String, NavigableSet<Instant>> claimed = new ConcurrentHashMap<>();

  @Override
  public boolean claim(String flow, Instant tick) {
    NavigableSet<Instant> ticks = claimed.computeIfAbsent(flow, f -> new ConcurrentSkipListSet<>());
    Instant oldest = tick.minus(KEPT);
    for (int i = 0; i < PURGE_BATCH && !ticks.isEmpty() && ticks.first().isBefore(oldest); i++) {
      ticks.pollFirst();
    }
    return ticks.add(tick);
  }
}
