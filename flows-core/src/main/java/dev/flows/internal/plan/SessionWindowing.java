package dev.flows.internal.plan;

import dev.flows.Message;
import dev.flows.SessionWindows;
import dev.flows.StateSpec;
import dev.flows.Windowed;
import dev.flows.dsl.SessionMerger;
import dev.flows.dsl.TimestampExtractor;
import dev.flows.internal.state.KeySessions;
import dev.flows.internal.state.KeySessions.Session;
import dev.flows.spi.SourcePartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The sessions of a session-windowed stateful flow: how a record's event time is found, which of a
 * key's sessions it joins, when a session closes, and how joined states merge.
 *
 * @param sessions the gap, grace and late-record handling
 * @param extractor the event time of a record, {@code null} for the record's timestamp
 * @param merger joins two sessions' states
 * @param state the user's state of one session
 */
public record SessionWindowing(
    SessionWindows sessions,
    TimestampExtractor<Object, Object> extractor,
    SessionMerger<Object, Object> merger,
    StateSpec<Object> state) {

  /** The event time of {@code record}: extracted, or its own timestamp. */
  public long timestamp(Message<Object, Object> record) throws Exception {
    return extractor == null
        ? record.timestamp()
        : extractor.timestamp(record.key(), record.value(), record.timestamp());
  }

  /**
   * The stream time at which a session whose last record is at {@code end} closes: {@code end + gap
   * + grace}.
   */
  public long closesAt(long end) {
    return end + sessions.gap().toMillis() + sessions.grace().toMillis();
  }

  /**
   * Whether a record at {@code timestamp} is late at {@code streamTime}: its own session closed.
   */
  public boolean late(long timestamp, long streamTime) {
    return closesAt(timestamp) <= streamTime;
  }

  /**
   * Whether {@code session} of {@code key} is closed: every partition feeding the key passed its
   * close, or one passed it by the slow-partition wait.
   */
  public boolean closed(Session session, KeySessions key) {
    long closesAt = closesAt(session.end());
    return closesAt <= key.slowestStreamTime()
        || (sessions.slowPartitionWait() != null
            && closesAt + sessions.slowPartitionWait().toMillis() <= key.fastestStreamTime());
  }

  /**
   * The stream time at which {@code partition} should next reach the row of {@code key} to close
   * its earliest open session: that session's close; or once {@code partition} passed it, a gap
   * after its stream time (so the row learns it, even after another partition extended the session)
   * or its close plus the slow-partition wait, whichever is first. {@link Long#MAX_VALUE} when none
   * is open.
   */
  public long nextCheck(KeySessions key, SourcePartition partition) {
    long mine = key.streamTime(partition);
    Duration wait = sessions.slowPartitionWait();
    long next = Long.MAX_VALUE;
    for (Session session : key.all()) {
      long closesAt = closesAt(session.end());
      if (closesAt > mine) {
        next = Math.min(next, closesAt);
        continue;
      }
      // passed, waiting for others: come back a gap later with a newer stream time, since another
      // partition may have moved the close since this one's stream time was noted
      next = Math.min(next, mine + sessions.gap().toMillis());
      if (wait != null) {
        next = Math.min(next, closesAt + wait.toMillis());
      }
    }
    return next;
  }

  /**
   * The sessions of {@code key} (by start) a record at {@code timestamp} joins: those open it is
   * less than the gap away from.
   */
  public List<Session> joinedBy(KeySessions key, long timestamp) {
    long gap = sessions.gap().toMillis();
    List<Session> joined = new ArrayList<>(1);
    for (Session session : key.all()) {
      if (session.start() - gap < timestamp
          && timestamp < session.end() + gap
          && !closed(session, key)) {
        joined.add(session);
      }
    }
    return joined;
  }

  /** The window the state function sees for a session from {@code start} to {@code end}. */
  public static Windowed<Object> window(Object key, long start, long end) {
    return new Windowed<>(key, start, end + 1);
  }

  /** The states of {@code joined} (by start) merged, oldest first; the initial state for none. */
  public Object merged(Object key, List<Session> joined) throws Exception {
    if (joined.isEmpty()) {
      return state.initial().get();
    }
    Object merged = joined.get(0).state();
    for (int i = 1; i < joined.size(); i++) {
      merged = merger.merge(key, merged, joined.get(i).state());
    }
    return merged;
  }

  /** What {@code describe()} shows. */
  String label() {
    return "windowedBy " + sessions + (extractor == null ? "" : ", timestampFrom(fn)");
  }
}
