package dev.flows.internal.runtime;

import dev.flows.Message;
import dev.flows.Row;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The good changes of one materialise batch, per canonical primary key, in offset order. The last
 * change of each key is what the batch writes; the earlier ones are kept so that, if the table sink
 * refuses the last, the key falls back to the one before it (last write wins among the key's good
 * records). Keys are ordered by their last record. Not thread-safe: one batch, one thread.
 */
final class KeyChanges {
  /**
   * One record's change of its key's row.
   *
   * @param key the canonical primary key as a map key ({@link TableRows#identity})
   * @param row the full row, or for a delete the key and offset
   * @param delete whether it is a tombstone's delete
   * @param source the record it came from, dead-lettered if the row is refused
   */
  record Change(Object key, Row row, boolean delete, Message<byte[], byte[]> source) {}

  private final Map<Object, Deque<Change>> byKey = new LinkedHashMap<>();

  /** Adds a record's change: now its key's last. */
  void add(Change change) {
    Deque<Change> changes = byKey.remove(change.key());
    if (changes == null) {
      changes = new ArrayDeque<>(1);
    }
    changes.addLast(change);
    byKey.put(change.key(), changes); // re-inserted: keys in the order of their last record
  }

  /** The last change of every key, in the order of each key's last record. */
  List<Change> lasts() {
    List<Change> lasts = new ArrayList<>(byKey.size());
    byKey.values().forEach(changes -> lasts.add(changes.peekLast()));
    return lasts;
  }

  /**
   * Drops {@code key}'s last change (refused) and returns the one before it, or {@code null} if
   * none is left.
   */
  Change fallback(Object key) {
    Deque<Change> changes = byKey.get(key);
    changes.pollLast();
    return changes.peekLast();
  }
}
