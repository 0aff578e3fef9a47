package dev.flows.internal.runtime;

import dev.flows.internal.state.RowImage;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rows a pipelined stateful batch hands the next one (docs/semantics.md, pipelined batches):
 * the rows its first attempt writes, which the next batch applies on while this one writes and
 * sends, and, once this one is sent, the ids whose row it did not commit as it handed it. A row the
 * next batch took from those it redoes on the stored row ({@link Base#stale()}); a row that itself
 * was applied on such a row is not handed on but applied once the batch before is sent ({@link
 * Base#deferred()}), so one failed write costs one redo, not one per batch while its key stays hot.
 * Thread-safe: the batch threads of one flow.
 */
final class AheadRows {
  private volatile Handed last;

  /** What one batch hands the next. */
  static final class Handed {
    private final Overlap of;
    private final long since;
    private final Map<String, RowImage> rows;
    private final Set<String> notWritten = ConcurrentHashMap.newKeySet();
    private final Set<String> taken;
    private final Set<String> takenFromNotWritten;

    private Handed(Overlap of, long since, Map<String, RowImage> rows, Base base) {
      this.of = of;
      this.since = since;
      this.rows = new HashMap<>(rows);
      this.taken = base.taken();
      this.takenFromNotWritten = base.on() == null ? Set.of() : base.on().notWritten;
    }

    /** Adds rows applied later, before the next batch may start. */
    void add(Map<String, RowImage> later) {
      rows.putAll(later);
    }

    /** Notes ids whose row the batch did not commit as handed; before the batch is sent. */
    void notWritten(Set<String> ids) {
      notWritten.addAll(ids);
    }

    /** The ids whose handed row was applied on one the batch before did not commit. */
    private Set<String> suspect() {
      Set<String> suspect = new HashSet<>(taken);
      suspect.retainAll(takenFromNotWritten);
      return suspect;
    }
  }

  /**
   * The base of a first attempt.
   *
   * @param rows the rows taken from {@code on}, by persistence id
   * @param taken their ids
   * @param deferred the ids to apply only once the batch before is sent
   * @param on what the batch before handed, or {@code null}
   */
  record Base(Map<String, RowImage> rows, Set<String> taken, Set<String> deferred, Handed on) {
    static final Base NONE = new Base(Map.of(), Set.of(), Set.of(), null);

    /** The ids taken whose row the batch before did not commit: known once it is sent. */
    Set<String> stale() {
      if (on == null) {
        return Set.of();
      }
      Set<String> stale = new HashSet<>(taken);
      stale.retainAll(on.notWritten);
      return stale;
    }
  }

  /**
   * The base of the first attempt of the batch whose overlap is {@code overlap} on {@code ids},
   * started at cache epoch {@code since}: the rows the batch before it handed (if it is the one
   * that handed the last rows, in the same epoch: no assignment change between them), but those it
   * may not have committed as handed, which are deferred. The batch before the one before has
   * ended.
   */
  Base base(Set<String> ids, Overlap overlap, long since) {
    Handed before = last;
    if (before == null
        || overlap.before() == null
        || before.of != overlap.before()
        || before.since != since) {
      return Base.NONE;
    }
    Set<String> suspect = before.suspect();
    Map<String, RowImage> rows = new HashMap<>();
    Set<String> deferred = new HashSet<>();
    for (String id : ids) {
      if (suspect.contains(id)) {
        deferred.add(id);
      } else {
        RowImage row = before.rows.get(id);
        if (row != null) {
          rows.put(id, row);
        }
      }
    }
    return new Base(rows, Set.copyOf(rows.keySet()), deferred, before);
  }

  /**
   * Hands the rows a first attempt on {@code base}, started at cache epoch {@code since}, writes to
   * the next batch.
   */
  Handed hand(Overlap overlap, long since, Base base, Map<String, RowImage> rows) {
    Handed handed = new Handed(overlap, since, rows, base);
    last = handed;
    return handed;
  }

  /** Forgets what was handed: the partitions changed. */
  void clear() {
    last = null;
  }
}
