package dev.flows.examples.it;

import dev.flows.Windows;
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
 * The timestamped input of the windowed kill test, and what a windowed count must make of it,
 * computed from the input alone. Record {@code i} has value {@code v<i>}, a word {@code w<n>} of a
 * vocabulary, always on partition {@code n % partitions} (or on any, spread), and event time {@code
 * base + i * 10 ms}; except about one in twenty, delayed by up to the grace (out of order, still
 * counted), and about one in two hundred after the first 5,000, delayed past its window and grace
 * (late). Then one record per partition, a minute of event time after the last, closes every window
 * of the words.
 */
final class WindowedInput {
  private static final long STEP_MILLIS = 10;
  private static final long CLOSE_AFTER_MILLIS = Duration.ofMinutes(1).toMillis();
  private static final int LATE_FROM = 5_000;

  /** One record, in the order it is produced (its partition's offset order). */
  record Event(int partition, String word, String value, long timestamp) {}

  /**
   * What the count must publish and dead-letter.
   *
   * @param finals the final count of every window closed by the end, by {@code <word>@<start>}, as
   *     {@code <word>=<count>}
   * @param late the values of the late records
   */
  record Expected(Map<String, String> finals, Set<String> late) {}

  private final List<Event> events;
  private final Set<String> delayedPastGrace;

  private WindowedInput(List<Event> events, Set<String> delayedPastGrace) {
    this.events = events;
    this.delayedPastGrace = delayedPastGrace;
  }

  /** {@code total} words and a closing record per partition, shaped for {@code windows}. */
  static WindowedInput generate(
      long seed, int total, int vocabulary, int partitions, long base, Windows windows) {
    return generate(seed, total, vocabulary, partitions, base, windows, false);
  }

  /**
   * As {@link #generate(long, int, int, int, long, Windows)}, but with each record on a partition
   * drawn at random when {@code spread}: every word's windows are then fed by every partition.
   */
  static WindowedInput generate(
      long seed,
      int total,
      int vocabulary,
      int partitions,
      long base,
      Windows windows,
      boolean spread) {
    Random random = new Random(seed);
    long grace = windows.grace().toMillis();
    long pastGrace = windows.size().plus(windows.grace()).plusSeconds(2).toMillis();
    List<Event> events = new ArrayList<>(total + partitions);
    Set<String> late = new HashSet<>();
    for (int i = 0; i < total; i++) {
      int word = random.nextInt(vocabulary);
      long timestamp = base + i * STEP_MILLIS;
      int draw = random.nextInt(200);
      if (draw < 10) {
        timestamp -= 1 + random.nextInt((int) grace);
      } else if (draw == 10 && i >= LATE_FROM) {
        timestamp -= pastGrace;
        late.add("v" + i);
      }
      int partition = spread ? random.nextInt(partitions) : word % partitions;
      events.add(new Event(partition, "w" + word, "v" + i, timestamp));
    }
    long close = base + total * STEP_MILLIS + CLOSE_AFTER_MILLIS;
    for (int p = 0; p < partitions; p++) {
      events.add(new Event(p, "end-p" + p, "end-p" + p, close));
    }
    return new WindowedInput(events, late);
  }

  /** How many records there are, the closing ones included. */
  int size() {
    return events.size();
  }

  /** The window of each record, as {@code <word>@<start>}, by its value. */
  Map<String, String> windowsByValue(Windows windows) {
    long size = windows.size().toMillis();
    Map<String, String> byValue = new HashMap<>();
    for (Event e : events) {
      byValue.put(e.value(), e.word() + "@" + (e.timestamp() - e.timestamp() % size));
    }
    return byValue;
  }

  /** The values of the records delayed past their window and grace. */
  Set<String> delayedPastGrace() {
    return delayedPastGrace;
  }

  /** Records {@code from} (inclusive) to {@code to} (exclusive), for {@code topic}. */
  List<ProducerRecord<byte[], byte[]>> records(String topic, int from, int to) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(to - from);
    for (Event e : events.subList(from, to)) {
      records.add(
          new ProducerRecord<>(
              topic, e.partition(), e.timestamp(), bytes(e.word()), bytes(e.value())));
    }
    return records;
  }

  /**
   * Replays the input through the rules of docs/semantics.md ("Event-time windows"), partition by
   * partition: stream time is the largest event time of the records counted before; a record whose
   * window ended {@code grace} or more before it is late and counts nowhere; a window is final once
   * its end plus grace is not after the last stream time of any partition that fed it.
   */
  Expected expected(Windows windows) {
    long size = windows.size().toMillis();
    long grace = windows.grace().toMillis();
    Map<Integer, Long> streamTimes = new HashMap<>();
    Map<String, Long> counts = new HashMap<>();
    Map<String, Set<Integer>> partitionsOf = new HashMap<>();
    Set<String> late = new HashSet<>();
    for (Event e : events) {
      long start = e.timestamp() - e.timestamp() % size;
      long streamTime = streamTimes.getOrDefault(e.partition(), Long.MIN_VALUE);
      if (start + size + grace <= streamTime) {
        late.add(e.value());
        continue;
      }
      streamTimes.put(e.partition(), Math.max(streamTime, e.timestamp()));
      counts.merge(e.word() + "@" + start, 1L, Long::sum);
      partitionsOf
          .computeIfAbsent(e.word() + "@" + start, id -> new HashSet<>())
          .add(e.partition());
    }
    Map<String, String> finals = new HashMap<>();
    counts.forEach(
        (id, n) -> {
          long start = Long.parseLong(id.substring(id.indexOf('@') + 1));
          if (partitionsOf.get(id).stream()
              .allMatch(p -> start + size + grace <= streamTimes.get(p))) {
            finals.put(id, id.substring(0, id.indexOf('@')) + "=" + n);
          }
        });
    return new Expected(finals, late);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
