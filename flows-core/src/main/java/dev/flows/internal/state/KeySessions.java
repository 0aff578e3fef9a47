package dev.flows.internal.state;

import dev.flows.FormatException;
import dev.flows.StateSpec;
import dev.flows.format.Format;
import dev.flows.internal.plan.Codec;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.SourcePartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The event-time sessions of one key, by start: the state of a session-windowed flow's row. Each
 * session keeps the user's state (in the user's format and version, upgraded when read like any
 * state) and the outputs it holds until it closes. Not thread-safe: one row update uses it.
 */
public final class KeySessions {
  private static final int VERSION = 1;

  /**
   * Layout 1 followed by the stream time each partition feeding the key had at its last input:
   * written once several partitions fed it.
   */
  private static final int STREAM_TIMES_VERSION = 2;

  /**
   * One session.
   *
   * @param start its first record's event time
   * @param end its last record's event time, inclusive
   * @param state the user's state
   * @param held the outputs published when it closes (sessions emitting on close)
   */
  public record Session(long start, long end, Object state, List<OutgoingRecord> held) {}

  private final List<Session> sessions;
  private final Map<SourcePartition, Long> streamTimes;
  private boolean fedBySeveral; // then its stream times are stored, and its sessions wait for all
  private boolean allKnown = true; // whether every partition feeding it has a stream time here

  private KeySessions(
      List<Session> sessions, Map<SourcePartition, Long> streamTimes, boolean fedBySeveral) {
    this.sessions = sessions;
    this.streamTimes = streamTimes;
    this.fedBySeveral = fedBySeveral;
  }

  /** No sessions. */
  public static KeySessions none() {
    return new KeySessions(new ArrayList<>(2), new HashMap<>(2), false);
  }

  /**
   * Notes that {@code partition}'s stream time is {@code streamTime} at an input of the key whose
   * row's progress (before the input) is {@code progress}, so its sessions close by the slowest
   * partition feeding it. Returns whether that moved a stream time the row keeps on: one it stores
   * because several partitions feed it.
   */
  public boolean observe(SourcePartition partition, long streamTime, Progress progress) {
    Long before = streamTimes.get(partition);
    boolean later = before == null || before < streamTime;
    if (later) {
      streamTimes.put(partition, streamTime);
    }
    if (!fedBySeveral && !progress.consumedOnly(partition::equals)) {
      fedBySeveral = true;
    }
    allKnown = !fedBySeveral || progress.consumedOnly(streamTimes::containsKey);
    return fedBySeveral && later;
  }

  /**
   * The stream time every partition feeding the key has passed: the smallest of theirs; {@link
   * Long#MIN_VALUE} while one of them has none here yet (a row stored before it kept them).
   */
  public long slowestStreamTime() {
    if (!allKnown) {
      return Long.MIN_VALUE;
    }
    long slowest = Long.MAX_VALUE;
    for (long time : streamTimes.values()) {
      slowest = Math.min(slowest, time);
    }
    return streamTimes.isEmpty() ? Long.MIN_VALUE : slowest;
  }

  /** The largest stream time of the partitions feeding the key, {@link Long#MIN_VALUE} for none. */
  public long fastestStreamTime() {
    long fastest = Long.MIN_VALUE;
    for (long time : streamTimes.values()) {
      fastest = Math.max(fastest, time);
    }
    return fastest;
  }

  /** The stream time of {@code partition} at its last input of the key. */
  public long streamTime(SourcePartition partition) {
    return streamTimes.getOrDefault(partition, Long.MIN_VALUE);
  }

  /**
   * The spec a session-windowed flow's rows are stored with: {@code user}'s name, table, cache and
   * retention; each row's state holds the key's sessions, each session's state in {@code user}'s
   * format.
   */
  public static StateSpec<KeySessions> spec(StateSpec<?> user) {
    return new StateSpec<>(
        user.name(),
        format(user),
        KeySessions::none,
        user.table(),
        null,
        user.cacheRows(),
        user.retention());
  }

  /** The sessions, by start. */
  public List<Session> all() {
    return sessions;
  }

  /** Whether there are none. */
  public boolean isEmpty() {
    return sessions.isEmpty();
  }

  /** Removes the sessions {@code closed} accepts and returns them, by start. */
  public List<Session> removeClosed(Predicate<Session> closed) {
    List<Session> removed = List.of();
    for (Session session : sessions) {
      if (closed.test(session)) {
        if (removed.isEmpty()) {
          removed = new ArrayList<>(1);
        }
        removed.add(session);
      }
    }
    sessions.removeAll(removed);
    return removed;
  }

  /**
   * Replaces {@code joined} (sessions of this key) by {@code session}, {@code null} for none; keeps
   * the order by start.
   */
  public void replace(List<Session> joined, Session session) {
    sessions.removeAll(joined);
    if (session != null) {
      int at = 0;
      while (at < sessions.size() && sessions.get(at).start() <= session.start()) {
        at++;
      }
      sessions.add(at, session);
    }
  }

  private static Format<KeySessions> format(StateSpec<?> user) {
    return new Format<>() {
      @Override
      public byte[] encode(KeySessions value) {
        ByteWriter out = new ByteWriter(32 + 64 * value.sessions.size());
        out.writeByte(value.fedBySeveral ? STREAM_TIMES_VERSION : VERSION);
        out.writeVarLong(value.sessions.size());
        for (Session session : value.sessions) {
          out.writeLong(session.start());
          out.writeLong(session.end());
          out.writeVarLong(user.version());
          out.writeBytes(encodeState(user, session.state()));
          out.writeVarLong(session.held().size());
          session.held().forEach(record -> Codecs.writeRecord(out, record));
        }
        if (value.fedBySeveral) {
          out.writeVarLong(value.streamTimes.size());
          value.streamTimes.forEach(
              (partition, time) -> {
                out.writeUtf(partition.topic());
                out.writeVarLong(partition.partition());
                out.writeLong(time);
              });
        }
        return out.toByteArray();
      }

      @Override
      public KeySessions decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        int layout = Codecs.checkVersion(in.readByte(), VERSION, STREAM_TIMES_VERSION, "sessions");
        int count = in.readCount();
        List<Session> sessions = new ArrayList<>(count + 1);
        for (int i = 0; i < count; i++) {
          long start = in.readLong();
          long end = in.readLong();
          int version = (int) in.readVarLong();
          Object state = StateCodec.decode(user, version, in.readBytes(), "session " + start);
          int held = in.readCount();
          List<OutgoingRecord> outputs = new ArrayList<>(held);
          for (int h = 0; h < held; h++) {
            outputs.add(Codecs.readRecord(in, Codecs.RESULTS_VERSION));
          }
          sessions.add(new Session(start, end, state, outputs));
        }
        Map<SourcePartition, Long> streamTimes = new HashMap<>(2);
        if (layout == STREAM_TIMES_VERSION) {
          int partitions = in.readCount();
          for (int i = 0; i < partitions; i++) {
            String topic = in.readUtf();
            int partition = (int) in.readVarLong();
            streamTimes.put(new SourcePartition(topic, partition), in.readLong());
          }
        }
        return new KeySessions(sessions, streamTimes, layout == STREAM_TIMES_VERSION);
      }

      @Override
      public String name() {
        return "sessions(" + user.format().name() + ")";
      }
    };
  }

  private static byte[] encodeState(StateSpec<?> user, Object state) {
    byte[] bytes = Codec.encode(user.format(), state);
    if (bytes == null) {
      throw new FormatException("the state of a session encoded to null", null);
    }
    return bytes;
  }
}
