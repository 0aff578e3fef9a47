package dev.flows.internal.plan;

import dev.flows.Message;
import dev.flows.Windowed;
import dev.flows.Windows;
import dev.flows.dsl.TimestampExtractor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The windows of a windowed stateful flow and how a record's event time is found: which windows a
 * record falls in, and the persistence id of each.
 *
 * @param windows the window sizes, grace and late-record handling
 * @param extractor the event time of a record, {@code null} for the record's timestamp
 */
public record Windowing(Windows windows, TimestampExtractor<Object, Object> extractor) {

  /** The event time of {@code record}: extracted, or its own timestamp. */
  public long timestamp(Message<Object, Object> record) throws Exception {
    return extractor == null
        ? record.timestamp()
        : extractor.timestamp(record.key(), record.value(), record.timestamp());
  }

  /**
   * The windows {@code timestamp} falls in, oldest first: those starting at a multiple of the
   * advance in {@code (timestamp - size, timestamp]}, none before the epoch.
   */
  public List<Windowed<Object>> windowsFor(Object key, long timestamp) {
    long size = windows.size().toMillis();
    long advance = windows.advance().toMillis();
    long first = Math.max(0, timestamp - size + advance) / advance * advance;
    List<Windowed<Object>> all = new ArrayList<>((int) (size / advance));
    for (long start = first; start <= timestamp; start += advance) {
      all.add(new Windowed<>(key, start, start + size));
    }
    return all;
  }

  /** Whether {@code window} is closed at {@code streamTime}: its end plus grace is not after it. */
  public boolean closed(Windowed<?> window, long streamTime) {
    return closed(window.start(), streamTime);
  }

  /** Whether the window starting at {@code start} is closed at {@code streamTime}. */
  public boolean closed(long start, long streamTime) {
    return start + windows.size().toMillis() + windows.grace().toMillis() <= streamTime;
  }

  /**
   * The stream time at which the window of the row {@code id} closes, {@link Long#MIN_VALUE} when
   * {@code id} is not a window's ({@link #id} writes them).
   */
  public long closesAt(String id) {
    int at = id.lastIndexOf('@');
    try {
      return at < 0
          ? Long.MIN_VALUE
          : Long.parseLong(id, at + 1, id.length(), 10)
              + windows.size().toMillis()
              + windows.grace().toMillis();
    } catch (NumberFormatException e) {
      return Long.MIN_VALUE;
    }
  }

  /**
   * The stream time at which the window of the row {@code id}, passed by one of the partitions
   * feeding it, stops waiting for the others: its close plus the slow-partition wait; {@link
   * Long#MAX_VALUE} without one (it waits for every partition).
   */
  public long waitedUntil(String id) {
    Duration wait = windows.slowPartitionWait();
    return wait == null ? Long.MAX_VALUE : closesAt(id) + wait.toMillis();
  }

  /**
   * The start of the window that closes at {@code streamTime}: the key under which a partition's
   * open windows keep a row to reach at that stream time.
   */
  public long startClosingAt(long streamTime) {
    return streamTime - windows.size().toMillis() - windows.grace().toMillis();
  }

  /** The persistence id of {@code window} of the key whose id is {@code keyId}. */
  public static String id(String keyId, Windowed<?> window) {
    return keyId + "@" + window.start();
  }

  /** What {@code describe()} shows. */
  String label() {
    return "windowedBy " + windows + (extractor == null ? "" : ", timestampFrom(fn)");
  }
}
