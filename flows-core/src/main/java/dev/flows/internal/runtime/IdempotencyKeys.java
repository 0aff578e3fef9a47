package dev.flows.internal.runtime;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The {@code Idempotency-Key}s an http flow's process has published within its window: a request
 * whose key is here was published already (or is being published), so a client's retry is not
 * published twice. Keys are remembered in memory from their claim, so the window is the earliest a
 * key is forgotten; only acknowledged keys stay. Thread-safe.
 */
final class IdempotencyKeys {
  /** What a request with a key may do. */
  enum Claim {
    /** Not seen within the window: publish, then {@link #acknowledged} or {@link #released}. */
    NEW,
    /** A request with the same key is being published right now. */
    IN_FLIGHT,
    /** Published within the window: answer as before, publish nothing. */
    DONE
  }

  private record Entry(long claimedAt, boolean done) {}

  private final long windowNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Entry> keys = new LinkedHashMap<>();

  /** Remembers acknowledged keys for {@code window}, by {@code nanoTime}. */
  IdempotencyKeys(Duration window, LongSupplier nanoTime) {
    this.windowNanos = window.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Claims {@code key} for a request. */
  synchronized Claim claim(String key) {
    long now = nanoTime.getAsLong();
    forgetExpired(now);
    Entry entry = keys.get(key);
    if (entry == null) {
      keys.put(key, new Entry(now, false));
      return Claim.NEW;
    }
    return entry.done() ? Claim.DONE : Claim.IN_FLIGHT;
  }

  /** The claimed key's record was acknowledged: later requests with it are duplicates. */
  synchronized void acknowledged(String key) {
    keys.computeIfPresent(key, (k, e) -> new Entry(e.claimedAt(), true));
  }

  /** The claimed key's request failed: a retry with it may publish. */
  synchronized void released(String key) {
    keys.remove(key);
  }

  /** Drops keys claimed longer ago than the window, oldest first (claim order). */
  private void forgetExpired(long now) {
    Iterator<Entry> oldest = keys.values().iterator();
    while (oldest.hasNext()) {
      Entry entry = oldest.next();
      if (now - entry.claimedAt() < windowNanos) {
        return;
      }
      if (entry.done()) {
        oldest.remove();
      }
    }
  }
}
