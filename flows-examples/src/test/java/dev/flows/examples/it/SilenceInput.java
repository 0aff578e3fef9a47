package dev.flows.examples.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The timestamped input of the timer kill test, and the alerts {@link SilenceAlerts} must publish
 * for it, computed from the input alone. Record {@code i} goes to partition {@code i % partitions}
 * with event time {@code base + (i / partitions) * 10 ms}, value {@code v<i>}, and a key among five
 * "hot" keys of its partition, which are drawn again from the partition's fifty every 400 of its
 * records (4 s of event time): a key dropped from the hot five falls silent and its timer fires.
 * One record in twenty is stamped up to 1 s early (out of order: its key's timer moves back), one
 * in a hundred 3 to 5 s early (its key's timer is due at once).
 */
final class SilenceInput {
  private static final long STEP_MILLIS = 10;
  private static final int KEYS_PER_PARTITION = 50;
  private static final int HOT = 5;
  private static final int ROTATE_EVERY = 400;
  private static final long END_AFTER_MILLIS = 60_000;

  /** One record, in the order it is produced (its partition's offset order). */
  record Event(int partition, String key, String value, long timestamp) {}

  /**
   * What the flow must publish, and how the input exercised the timers.
   *
   * @param alerts every firing by the end, by {@code <key>@<timer time>}, as {@code
   *     <key>@<time>=<count>}
   * @param dueAtOnce the records whose timer was due when set
   */
  record Expected(Map<String, String> alerts, int dueAtOnce) {}

  private final List<Event> events;
  private final int partitions;

  private SilenceInput(List<Event> events, int partitions) {
    this.events = events;
    this.partitions = partitions;
  }

  static SilenceInput generate(long seed, int total, int partitions, long base) {
    Random random = new Random(seed);
    List<Event> events = new ArrayList<>(total);
    int[][] hot = new int[partitions][HOT];
    for (int i = 0; i < total; i++) {
      int partition = i % partitions;
      int index = i / partitions;
      if (index % ROTATE_EVERY == 0) {
        for (int h = 0; h < HOT; h++) {
          hot[partition][h] = random.nextInt(KEYS_PER_PARTITION);
        }
      }
      int key = hot[partition][random.nextInt(HOT)] * partitions + partition;
      long timestamp = base + index * STEP_MILLIS;
      int draw = random.nextInt(100);
      if (draw < 1) {
        timestamp -= 3_000 + random.nextInt(2_000);
      } else if (draw < 6) {
        timestamp -= random.nextInt(1_000);
      }
      events.add(new Event(partition, "k" + key, "v" + i, timestamp));
    }
    return new SilenceInput(events, partitions);
  }

  int size() {
    return events.size();
  }

  /** Records {@code from} (inclusive) to {@code to} (exclusive), to {@code topic}. */
  List<ProducerRecord<byte[], byte[]>> records(String topic, int from, int to) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(to - from);
    for (Event e : events.subList(from, to)) {
      records.add(record(topic, e));
    }
    return records;
  }

  /**
   * One {@code end} record per partition, a minute of event time after the last: fires the rest.
   */
  List<ProducerRecord<byte[], byte[]>> ending(String topic) {
    long last = events.stream().mapToLong(Event::timestamp).max().orElseThrow();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      records.add(record(topic, new Event(p, "end-p" + p, "end", last + END_AFTER_MILLIS)));
    }
    return records;
  }

  /**
   * A reference replay of the timer rules on the input and its ending, partition by partition: the
   * stream time is the largest timestamp read; a key's timer fires when the stream time after one
   * of its partition's records reaches it, before the key's next record is applied, counting the
   * key's records since its last firing.
   */
  Expected expected() {
    Map<String, String> alerts = new HashMap<>();
    int dueAtOnce = 0;
    for (int p = 0; p < partitions; p++) {
      long streamTime = Long.MIN_VALUE;
      Map<String, Long> timers = new HashMap<>();
      Map<String, Long> counts = new HashMap<>();
      for (Event e : events) {
        if (e.partition() != p) {
          continue;
        }
        streamTime = Math.max(streamTime, e.timestamp());
        Long at = timers.get(e.key());
        if (at != null && at <= streamTime) {
          fire(alerts, e.key(), at, counts.remove(e.key()));
          timers.remove(e.key());
        }
        counts.merge(e.key(), 1L, Long::sum);
        long next = e.timestamp() + SilenceAlerts.SILENCE.toMillis();
        timers.put(e.key(), next);
        if (next <= streamTime) {
          dueAtOnce++;
        }
      }
      timers.forEach((key, at) -> fire(alerts, key, at, counts.get(key))); // the ending fires all
    }
    return new Expected(alerts, dueAtOnce);
  }

  private static void fire(Map<String, String> alerts, String key, long at, long count) {
    alerts.put(key + "@" + at, key + "@" + at + "=" + count);
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, Event e) {
    return new ProducerRecord<>(
        topic,
        e.partition(),
        e.timestamp(),
        e.key().getBytes(StandardCharsets.UTF_8),
        e.value().getBytes(StandardCharsets.UTF_8));
  }
}
