package dev.flows.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.FlowOptions;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.spi.SourcePartition;
import dev.flows.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventTimeBatcherTest {
  private static final Duration MAX_WAIT = Duration.ofMillis(100);
  private static final SourcePartition P0 = new SourcePartition("words", 0);
  private static final SourcePartition P1 = new SourcePartition("words", 1);
  private static final SourcePartition MORE = new SourcePartition("more-words", 0);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final Set<SourcePartition> unread = new HashSet<>();

  private EventTimeBatcher batcher(int maxRecords, int maxPerKey) {
    FlowOptions options =
        FlowOptions.defaults()
            .withMaxRecords(maxRecords)
            .withMaxWait(MAX_WAIT)
            .withMaxPerKey(maxPerKey);
    return new EventTimeBatcher(options, () -> Set.copyOf(unread), clock);
  }

  @Test
  void shouldTakeTheOldestTimestampFirstAcrossPartitionsEachInOffsetOrder() {
    EventTimeBatcher batcher = batcher(100, 0);
    batcher.add(records(P0, 0, 10, 20, 30, 40)); // one partition's fetch first, as a consumer does
    batcher.add(records(P1, 0, 15, 25));
    batcher.add(records(MORE, 7, 5, 35));
    clock.advance(MAX_WAIT);

    Batch batch = batcher.drain();

    assertEquals(
        List.of("more-words-0@7", "words-0@0", "words-1@0", "words-0@1", "words-1@1"),
        coordinates(batch).subList(0, 5));
    assertEquals(
        List.of("words-0@2", "more-words-0@8", "words-0@3"), coordinates(batch).subList(5, 8));
    assertEquals(Map.of(P0, 0L, P1, 0L, MORE, 7L), batch.firstOffsets());
    assertEquals(0, batcher.size());
  }

  @Test
  void shouldKeepAPartitionsOrderWhenItsTimestampsGoBack() {
    EventTimeBatcher batcher = batcher(100, 0);
    batcher.add(records(P0, 0, 50, 10)); // out of order within the partition
    batcher.add(records(P1, 0, 20));
    clock.advance(MAX_WAIT);

    assertEquals(List.of("words-1@0", "words-0@0", "words-0@1"), coordinates(batcher.drain()));
  }

  @Test
  void shouldHoldTheBatchWhileAPartitionWithRecordsOnTheBrokerHasNoneBuffered() {
    EventTimeBatcher batcher = batcher(3, 0);
    unread.add(P0);
    unread.add(P1);
    batcher.add(records(P0, 0, 10, 20, 30, 40));
    unread.add(P0);

    assertFalse(batcher.isReady(), "words-1's next record may be older than every one buffered");
    assertFalse(batcher.isFull());
    assertEquals(EventTimeBatcher.MAX_HOLD_MILLIS, batcher.millisUntilReady());
    assertEquals(Set.of(P0), batcher.toPause(() -> Set.of(P0, P1)), "words-1 is fetched");

    batcher.add(records(P1, 0, 5, 35));
    unread.add(P1);

    assertTrue(batcher.isReady());
    assertEquals(List.of("words-1@0", "words-0@0", "words-0@1"), coordinates(batcher.drain()));
  }

  @Test
  void shouldStopABatchWhereAPartitionWithRecordsOnTheBrokerRunsEmpty() {
    EventTimeBatcher batcher = batcher(100, 0);
    unread.remove(P0);
    unread.add(P1);
    batcher.add(records(P0, 0, 10, 20, 30, 40));
    batcher.add(records(P1, 0, 15, 25));
    clock.advance(MAX_WAIT);

    Batch batch = batcher.drain();

    assertEquals(
        List.of("words-0@0", "words-1@0", "words-0@1", "words-1@1"),
        coordinates(batch),
        "words-0's records after 25 wait for words-1's next fetch");
    assertEquals(2, batcher.size());
    assertFalse(batcher.isReady());
  }

  @Test
  void shouldNotHoldForAPartitionReadToItsEnd() {
    EventTimeBatcher batcher = batcher(100, 0);
    unread.remove(P0);
    unread.remove(P1); // silent: nothing on the broker
    batcher.add(records(P0, 0, 10, 20));
    clock.advance(MAX_WAIT);

    assertTrue(batcher.isReady());
    assertEquals(2, batcher.drain().size());
  }

  @Test
  void shouldTakeTheBatchOnceAPartitionHeldItTooLong() {
    EventTimeBatcher batcher = batcher(100, 0);
    unread.add(P1); // never fetched, as from a broker that does not answer
    batcher.add(records(P0, 0, 10, 20));
    clock.advance(MAX_WAIT);
    assertFalse(batcher.isReady());

    clock.advance(Duration.ofMillis(EventTimeBatcher.MAX_HOLD_MILLIS - 1));
    assertEquals(1, batcher.millisUntilReady());
    clock.advance(Duration.ofMillis(1));

    assertTrue(batcher.isReady());
    assertEquals(List.of("words-0@0", "words-0@1"), coordinates(batcher.drain()));
    batcher.add(records(P0, 2, 30));
    clock.advance(MAX_WAIT);
    assertFalse(batcher.isReady(), "held again, from the start, for the next batch");
  }

  @Test
  void shouldCloseAFullBatchAtOnce() {
    EventTimeBatcher batcher = batcher(3, 0);
    batcher.add(records(P0, 0, 10, 20));
    assertFalse(batcher.isReady(), "2 of 3 records and no time passed");

    batcher.add(records(P1, 0, 15, 25));

    assertTrue(batcher.isFull());
    assertEquals(List.of("words-0@0", "words-1@0", "words-0@1"), coordinates(batcher.drain()));
  }

  @Test
  void shouldWaitWithAFullBatchBufferedRatherThanTakeItShort() {
    EventTimeBatcher batcher = batcher(3, 0);
    unread.add(P1);
    batcher.add(records(P0, 0, 10, 20, 30, 40));
    batcher.add(records(P1, 0, 15)); // words-1 runs empty after 15, with more on the broker

    assertFalse(batcher.isReady(), "only 10 and 15 could be taken");
    batcher.add(records(P1, 1, 35));

    assertTrue(batcher.isReady());
    assertEquals(List.of("words-0@0", "words-1@0", "words-0@1"), coordinates(batcher.drain()));
  }

  @Test
  void shouldPauseAPartitionHoldingABatchsWorth() {
    EventTimeBatcher batcher = batcher(3, 0);
    Set<SourcePartition> assigned = Set.of(P0, P1, MORE);
    batcher.add(records(P0, 0, 10, 20));
    batcher.add(records(P1, 0, 15, 25));
    assertEquals(Set.of(), batcher.toPause(() -> assigned), "no partition holds 3");

    batcher.add(records(P0, 2, 30));
    assertEquals(Set.of(P0), batcher.toPause(() -> assigned), "the others are fetched meanwhile");

    batcher.add(records(P1, 2, 35));
    assertEquals(Set.of(P0, P1), batcher.toPause(() -> assigned));
    batcher.drain();
    assertEquals(Set.of(), batcher.toPause(() -> assigned), "3 left: resumed");
  }

  @Test
  void shouldTakeRecordsNoLaterThanWhatAnEmptyPartitionWithRecordsOnTheBrokerHadTaken() {
    EventTimeBatcher batcher = batcher(100, 0);
    batcher.add(records(P0, 0, 10, 20));
    batcher.add(records(P1, 0, 30)); // words-1 read to its end
    clock.advance(MAX_WAIT);
    assertEquals(List.of("words-0@0", "words-0@1", "words-1@0"), coordinates(batcher.drain()));

    unread.add(P1); // more on the broker for words-1, not fetched yet
    batcher.add(records(P0, 2, 25, 50));
    clock.advance(MAX_WAIT);

    assertTrue(
        batcher.isReady(), "25: words-1 had taken up to 30, its next record cannot close it");
    assertEquals(List.of("words-0@2"), coordinates(batcher.drain()), "50 waits for words-1");
    clock.advance(MAX_WAIT);
    assertFalse(batcher.isReady());

    batcher.add(records(P1, 1, 45));
    unread.remove(P1);
    assertTrue(batcher.isReady());
    assertEquals(List.of("words-1@1", "words-0@3"), coordinates(batcher.drain()));
  }

  @Test
  void shouldStopBeforeAKeyExceedsItsLimit() {
    EventTimeBatcher batcher = batcher(100, 1);
    batcher.add(List.of(record(P0, 0, "a", 10), record(P0, 1, "b", 20)));
    batcher.add(List.of(record(P1, 0, "a", 15)));
    clock.advance(MAX_WAIT);

    assertEquals(List.of("words-0@0"), coordinates(batcher.drain()));
    assertEquals(List.of("words-1@0", "words-0@1"), coordinates(batcher.drain()));
  }

  @Test
  void shouldForgetTheRecordsOfPartitionsGone() {
    EventTimeBatcher batcher = batcher(100, 0);
    unread.add(P1);
    batcher.add(records(P0, 0, 10, 20));
    batcher.add(records(P1, 0, 5));

    batcher.drop(List.of(P1));
    unread.remove(P1);
    clock.advance(MAX_WAIT);

    assertEquals(2, batcher.size());
    assertEquals(List.of("words-0@0", "words-0@1"), coordinates(batcher.drain()));
  }

  @Test
  void shouldStartTheWaitWithTheOldestBufferedRecord() {
    EventTimeBatcher batcher = batcher(100, 0);
    batcher.add(records(P0, 0, 10));
    clock.advance(Duration.ofMillis(60));
    batcher.add(records(P1, 0, 5));
    assertEquals(40, batcher.millisUntilReady(), "the wait starts with the oldest record");
  }

  private static List<Message<byte[], byte[]>> records(
      SourcePartition partition, long firstOffset, long... timestamps) {
    List<Message<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < timestamps.length; i++) {
      records.add(record(partition, firstOffset + i, "k" + i, timestamps[i]));
    }
    return records;
  }

  private static Message<byte[], byte[]> record(
      SourcePartition partition, long offset, String key, long timestamp) {
    return new Message<>(
        partition.topic(),
        partition.partition(),
        offset,
        timestamp,
        key.getBytes(StandardCharsets.UTF_8),
        new byte[] {1},
        Headers.empty());
  }

  private static List<String> coordinates(Batch batch) {
    return batch.records().stream()
        .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
        .toList();
  }
}
