package dev.flows.examples.it;

import dev.flows.SessionWindows;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The timestamped input of the session kill test, and what a session count must make of it,
 * computed from the input alone. Record {@code i} has value {@code v<i>}, a key {@code k<n>} drawn
 * at random, always on partition {@code n % partitions}, and event time {@code base + i * 10 ms},
 * so a key's records are about {@code keys * 10 ms} apart on average and its sessions split
 * wherever chance leaves a silence of the gap or more; except about one in ten, delayed by up to
 * the grace (out of order, some bridging two sessions of their key), about one in a hundred delayed
 * by more than the grace but less than the gap plus grace (not late, some within the gap of a
 * session already closed), and about one in two hundred after the first 5,000, delayed past the gap
 * and grace (late). Records 60,000 to 85,000 leave the last partition out (a key of it gives way to
 * the one before): that partition's stream time stands still, so its sessions stay open while their
 * rows go unwritten for longer than the retention. Then one record per partition, a minute of event
 * time after the last, closes every session of the keys.
 */
final class SessionInput {
  private static final long STEP_MILLIS = 10;
  private static final long CLOSE_AFTER_MILLIS = Duration.ofMinutes(1).toMillis();
  private static final int LATE_FROM = 5_000;
  private static final int SILENT_FROM = 60_000;
  private static final int SILENT_TO = 85_000;

  /** One record, in the order it is produced (its partition's offset order). */
  record Event(int partition, String key, String value, long timestamp) {}

  /**
   * What the count must publish and dead-letter, and how the input exercised the sessions.
   *
   * @param finals the final count of every session closed by the end, by {@code
   *     <key>@<first>-<last>} (event times), as {@code <key>=<count>}
   * @param late the values of the late records
   * @param merges the records that joined two sessions or more
   * @param besideClosed the records less than the gap from a closed session of their key, which
   *     they did not join
   */
  record Expected(Map<String, String> finals, Set<String> late, int merges, int besideClosed) {}

  /** One session of the reference: first and last event time, and how many records it counts. */
  private record Session(long start, long end, long count) {}

  private final List<Event> events;
  private final Set<String> delayedPastGrace;
  private final int partitions;

  private SessionInput(List<Event> events, Set<String> delayedPastGrace, int partitions) {
    this.events = events;
    this.delayedPastGrace = delayedPastGrace;
    this.partitions = partitions;
  }

  /** {@code total} records of {@code keys} keys and a closing record per partition. */
  static SessionInput generate(
      long seed, int total, int keys, int partitions, long base, SessionWindows sessions) {
    Random random = new Random(seed);
    long gap = sessions.gap().toMillis();
    long grace = sessions.grace().toMillis();
    long pastGrace = gap + grace + Duration.ofSeconds(2).toMillis();
    List<Event> events = new ArrayList<>(total + partitions);
    Set<String> late = new HashSet<>();
    for (int i = 0; i < total; i++) {
      int key = random.nextInt(keys);
      if (i >= SILENT_FROM && i < SILENT_TO && key % partitions == partitions - 1) {
        key--; // the last partition silent: its stream time stands still, its sessions stay open
      }
      long timestamp = base + i * STEP_MILLIS;
      int draw = random.nextInt(200);
      if (draw < 20) {
        timestamp -= 1 + random.nextInt((int) grace);
      } else if (draw < 22) {
        timestamp -= grace + 1 + random.nextInt((int) gap - 1);
      } else if (draw == 22 && i >= LATE_FROM) {
        timestamp -= pastGrace;
        late.add("v" + i);
      }
      events.add(new Event(key % partitions, "k" + key, "v" + i, timestamp));
    }
    long close = base + total * STEP_MILLIS + CLOSE_AFTER_MILLIS;
    for (int p = 0; p < partitions; p++) {
      events.add(new Event(p, "end-p" + p, "end-p" + p, close));
    }
    return new SessionInput(events, late, partitions);
  }

  /** How many records there are, the closing ones included. */
  int size() {
    return events.size();
  }

  /** The values of the records delayed past the gap and grace. */
  Set<String> delayedPastGrace() {
    return delayedPastGrace;
  }

  /** Records {@code from} (inclusive) to {@code to} (exclusive), for {@code topic}. */
  List<ProducerRecord<byte[], byte[]>> records(String topic, int from, int to) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(to - from);
    for (Event e : events.subList(from, to)) {
      records.add(
          new ProducerRecord<>(
              topic, e.partition(), e.timestamp(), bytes(e.key()), bytes(e.value())));
    }
    return records;
  }

  /**
   * One more record per partition, for {@code topic}, each joining its partition's closing record's
   * session: the batch it starts forgets the sessions the closing records closed, whose final
   * outputs are out, so their rows are no longer kept.
   */
  List<ProducerRecord<byte[], byte[]>> afterClosing(String topic) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (Event e : events.subList(events.size() - partitions, events.size())) {
      records.add(
          new ProducerRecord<>(
              topic, e.partition(), e.timestamp() + 1, bytes(e.key()), bytes("after-" + e.key())));
    }
    return records;
  }

  /**
   * Replays the input through the rules of docs/semantics.md ("Session windows"), record by record
   * in partition order: stream time is the largest event time of the records counted before on the
   * record's partition; a record at {@code t} with {@code t + gap + grace <= stream time} is late
   * and counts nowhere; otherwise stream time moves to {@code max(stream time, t)}, the key's
   * sessions with {@code last + gap + grace <=} it close, and the record joins every session of its
   * key still open with {@code first - gap < t < last + gap}, merging them, or starts one. A
   * session is final once closed at its partition's last stream time.
   */
  Expected expected(SessionWindows sessions) {
    long gap = sessions.gap().toMillis();
    long closeAfter = gap + sessions.grace().toMillis();
    Map<Integer, Long> streamTimes = new HashMap<>();
    Map<String, List<Session>> open = new HashMap<>();
    Map<String, List<Session>> closed = new HashMap<>();
    Map<String, Integer> partitionOf = new HashMap<>();
    Map<String, String> finals = new HashMap<>();
    Set<String> late = new HashSet<>();
    int merges = 0;
    int besideClosed = 0;
    for (Event e : events) {
      long t = e.timestamp();
      long streamTime = streamTimes.getOrDefault(e.partition(), Long.MIN_VALUE);
      if (t + closeAfter <= streamTime) {
        late.add(e.value());
        continue;
      }
      long now = Math.max(streamTime, t);
      streamTimes.put(e.partition(), now);
      partitionOf.put(e.key(), e.partition());
      List<Session> mine = open.computeIfAbsent(e.key(), k -> new ArrayList<>());
      List<Session> done = closed.computeIfAbsent(e.key(), k -> new ArrayList<>());
      for (Session s : List.copyOf(mine)) {
        if (s.end() + closeAfter <= now) {
          mine.remove(s);
          done.add(s);
          finals.put(id(e.key(), s), e.key() + "=" + s.count());
        }
      }
      if (done.stream().anyMatch(s -> s.start() - gap < t && t < s.end() + gap)) {
        besideClosed++;
      }
      long start = t;
      long end = t;
      long count = 1;
      List<Session> joined = new ArrayList<>();
      for (Session s : mine) {
        if (s.start() - gap < t && t < s.end() + gap) {
          joined.add(s);
          start = Math.min(start, s.start());
          end = Math.max(end, s.end());
          count += s.count();
        }
      }
      mine.removeAll(joined);
      mine.add(new Session(start, end, count));
      merges += joined.size() > 1 ? 1 : 0;
    }
    open.forEach(
        (key, mine) -> {
          long streamTime = streamTimes.get(partitionOf.get(key));
          for (Session s : mine) {
            if (s.end() + closeAfter <= streamTime) {
              finals.put(id(key, s), key + "=" + s.count());
            }
          }
        });
    return new Expected(finals, late, merges, besideClosed);
  }

  /** How the test names a session: {@code <key>@<first>-<last>}. */
  static String id(String key, long first, long last) {
    return key + "@" + first + "-" + last;
  }

  private static String id(String key, Session session) {
    return id(key, session.start(), session.end());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
