package dev.flows.internal.state;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rows this instance wrote or read last, so a hot key costs no read. Bounded (least recently
 * used rows go first); cleared on every partition move and on a version conflict. The version check
 * on write keeps a stale entry from ever overwriting newer state. Thread-safe.
 */
public final class StateCache {
  private final Map<String, RowImage> rows;
  private long epoch;
  private long hits;
  private long misses;

  /** A cache of at most {@code maxRows} rows. */
  public StateCache(int maxRows) {
    this.rows =
        new LinkedHashMap<>(1024, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, RowImage> eldest) {
            return size() > maxRows;
          }
        };
  }

  /** The cached rows among {@code ids}, in a new map for the caller; counts hits and misses. */
  public synchronized Map<String, RowImage> getAll(Collection<String> ids) {
    Map<String, RowImage> found = new HashMap<>(ids.size() * 2);
    for (String id : ids) {
      RowImage row = rows.get(id);
      if (row != null) {
        found.put(id, row);
      }
    }
    hits += found.size();
    misses += ids.size() - found.size();
    return found;
  }

  /**
   * Which clearing the cache is at: a batch takes it when it starts, and rows it adds later are
   * dropped if the cache was cleared meanwhile (an assignment change, a cancelled batch).
   */
  public synchronized long epoch() {
    return epoch;
  }

  /** Remembers rows as written or read by a batch that started at {@code since}. */
  public synchronized void putAll(Collection<RowImage> written, long since) {
    if (since == epoch) {
      written.forEach(r -> rows.put(r.row().id(), r));
    }
  }

  /** Forgets these rows. */
  public synchronized void evict(Collection<String> ids) {
    ids.forEach(rows::remove);
  }

  /** Forgets everything, and what batches started before now would add. */
  public synchronized void clear() {
    epoch++;
    rows.clear();
  }

  /** The share of lookups served from memory, 0 to 1. */
  public synchronized double hitRate() {
    long total = hits + misses;
    return total == 0 ? 0 : (double) hits / total;
  }
}
