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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArrivalOrderBatcherTest {
  private static final Duration MAX_WAIT = Duration.ofMillis(100);
  private static final SourcePartition WORDS_0 = new SourcePartition("words", 0);
  private static final SourcePartition WORDS_1 = new SourcePartition("words", 1);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

  private ArrivalOrderBatcher batcher(int maxRecords, int maxPerKey) {
    FlowOptions options =
        FlowOptions.defaults()
            .withMaxRecords(maxRecords)
            .withMaxWait(MAX_WAIT)
            .withMaxPerKey(maxPerKey);
    return new ArrivalOrderBatcher(options, clock);
  }

  @Test
  void shouldNotBeReadyWhenEmptyHoweverLongItWaits() {
    Batcher batcher = batcher(10, 0);
    clock.advance(Duration.ofHours(1));

    assertFalse(batcher.isReady());
    assertEquals(Long.MAX_VALUE, batcher.millisUntilReady());
    assertEquals(0, batcher.drain().size());
  }

  @Test
  void shouldCloseWhenMaxRecordsAreBuffered() {
    Batcher batcher = batcher(3, 0);
    batcher.add(records(WORDS_0, 0, "a", "b"));
    assertFalse(batcher.isReady(), "2 of 3 records and no time passed");
    assertFalse(batcher.isFull());

    batcher.add(records(WORDS_0, 2, "c", "d"));

    assertTrue(batcher.isFull());
    assertTrue(batcher.isReady(), "a full batch closes at once");
    assertEquals(0, batcher.millisUntilReady());
    Batch batch = batcher.drain();
    assertEquals(List.of(0L, 1L, 2L), offsets(batch));
    assertEquals(1, batcher.size(), "the fourth record waits for the next batch");
  }

  @Test
  void shouldCloseAtMaxWaitSinceTheFirstRecordAndNotBefore() {
    Batcher batcher = batcher(1_000, 0);
    batcher.add(records(WORDS_0, 0, "a"));
    assertEquals(100, batcher.millisUntilReady());

    clock.advance(Duration.ofMillis(60));
    batcher.add(records(WORDS_0, 1, "b"));
    assertEquals(40, batcher.millisUntilReady(), "a later record does not restart the wait");

    clock.advance(Duration.ofMillis(39));
    assertFalse(batcher.isReady(), "1 ms before maxWait");

    clock.advance(Duration.ofMillis(1));
    assertTrue(batcher.isReady(), "at maxWait");
    assertEquals(List.of(0L, 1L), offsets(batcher.drain()));
  }

  @Test
  void shouldKeepTheWaitOfRecordsLeftBehindWhenABatchClosesEarly() {
    Batcher batcher = batcher(1_000, 1);
    batcher.add(records(WORDS_0, 0, "a", "a"));
    clock.advance(MAX_WAIT);

    assertEquals(
        List.of(0L), offsets(batcher.drain()), "the per-key cap closes the batch after one record");
    assertTrue(
        batcher.isReady(), "the second record waited maxWait already: it closes a batch at once");
    assertEquals(List.of(1L), offsets(batcher.drain()));
  }

  @Test
  void shouldStartTheWaitWithTheNextRecordWhenTheBufferWasDrainedEmpty() {
    Batcher batcher = batcher(1_000, 0);
    batcher.add(records(WORDS_0, 0, "a"));
    clock.advance(MAX_WAIT);
    batcher.drain();

    clock.advance(Duration.ofSeconds(5));
    batcher.add(records(WORDS_0, 1, "b"));

    assertFalse(batcher.isReady(), "the idle time before the record does not count");
    assertEquals(100, batcher.millisUntilReady());
  }

  @Test
  void shouldIgnoreAnEmptyFetchWhenStartingTheWait() {
    Batcher batcher = batcher(1_000, 0);
    batcher.add(List.of());
    clock.advance(Duration.ofMillis(90));
    batcher.add(records(WORDS_0, 0, "a"));

    assertEquals(100, batcher.millisUntilReady());
  }

  @Test
  void shouldStopBeforeAKeyExceedsMaxPerKeyWhenDraining() {
    Batcher batcher = batcher(100, 2);
    batcher.add(records(WORDS_0, 0, "a", "a", "b", "a", "c"));

    Batch first = batcher.drain();
    Batch second = batcher.drain();

    assertEquals(List.of("a", "a", "b"), keys(first), "the third 'a' would exceed maxPerKey=2");
    assertEquals(List.of("a", "c"), keys(second));
    assertEquals(0, batcher.size());
  }

  @Test
  void shouldCountKeysByContentAndNullKeysAsOneKeyWhenCappingPerKey() {
    Batcher batcher = batcher(100, 1);
    List<Message<byte[], byte[]>> fetched = new ArrayList<>();
    fetched.add(record(WORDS_0, 0, null));
    fetched.add(record(WORDS_0, 1, "x"));
    fetched.add(record(WORDS_0, 2, null));
    batcher.add(fetched);
    assertEquals(List.of(0L, 1L), offsets(batcher.drain()), "two null keys are the same key");

    batcher.add(List.of(record(WORDS_0, 3, "x")));
    batcher.add(List.of(record(WORDS_0, 4, "x"))); // an equal key in a different array
    assertEquals(List.of(2L, 3L), offsets(batcher.drain()));
    assertEquals(List.of(4L), offsets(batcher.drain()));
  }

  @Test
  void shouldDrainContiguousPrefixesWithNextOffsetsAfterTheLastRecordWhenPartitionsInterleave() {
    Batcher batcher = batcher(4, 0);
    List<Message<byte[], byte[]>> fetched = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      fetched.add(record(WORDS_0, i, "k" + i));
      fetched.add(record(WORDS_1, 10 + i, "k" + i));
    }
    batcher.add(fetched);

    List<Message<byte[], byte[]>> drained = new ArrayList<>();
    Map<SourcePartition, Long> committed = new HashMap<>();
    committed.put(WORDS_0, 0L);
    committed.put(WORDS_1, 10L);
    while (batcher.size() > 0) {
      Batch batch = batcher.drain();
      for (Map.Entry<SourcePartition, Long> first : batch.firstOffsets().entrySet()) {
        SourcePartition partition = first.getKey();
        assertEquals(
            committed.get(partition),
            first.getValue(),
            "batch starts where the previous one ended on " + partition);
        List<Long> offsets = offsetsOf(batch, partition);
        assertContiguous(offsets, partition);
        assertEquals(
            offsets.get(offsets.size() - 1) + 1,
            batch.nextOffsets().get(partition),
            "nextOffsets = last + 1");
        committed.put(partition, batch.nextOffsets().get(partition));
      }
      drained.addAll(batch.records());
    }

    assertEquals(fetched, drained, "batches taken in order are the fetched records in order");
    assertEquals(Map.of(WORDS_0, 5L, WORDS_1, 15L), Map.copyOf(committed));
  }

  @Test
  void shouldForgetRecordsOfDroppedPartitionsWhenTheyMoveAway() {
    Batcher batcher = batcher(100, 0);
    batcher.add(
        List.of(
            record(WORDS_0, 0, "a"),
            record(WORDS_1, 0, "b"),
            record(WORDS_0, 1, "c"),
            record(WORDS_1, 1, "d")));

    batcher.drop(List.of(WORDS_0));

    assertEquals(2, batcher.size());
    Batch batch = batcher.drain();
    assertEquals(List.of("b", "d"), keys(batch));
    assertEquals(Map.of(WORDS_1, 2L), batch.nextOffsets());
    assertFalse(batch.touches(List.of(WORDS_0)));
    assertTrue(batch.touches(List.of(WORDS_0, WORDS_1)));
  }

  @Test
  void shouldKeepAllRecordsWhenDroppingPartitionsItDoesNotHold() {
    Batcher batcher = batcher(100, 0);
    batcher.add(records(WORDS_0, 0, "a", "b"));

    batcher.drop(List.of(new SourcePartition("other", 0), WORDS_1));

    assertEquals(2, batcher.size());
  }

  private static void assertContiguous(List<Long> offsets, SourcePartition partition) {
    for (int i = 1; i < offsets.size(); i++) {
      assertEquals(
          offsets.get(i - 1) + 1,
          offsets.get(i),
          "offsets of " + partition + " must be contiguous: " + offsets);
    }
  }

  private static List<Message<byte[], byte[]>> records(
      SourcePartition partition, long firstOffset, String... keys) {
    List<Message<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      records.add(record(partition, firstOffset + i, keys[i]));
    }
    return records;
  }

  private static Message<byte[], byte[]> record(
      SourcePartition partition, long offset, String key) {
    byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    return new Message<>(
        partition.topic(),
        partition.partition(),
        offset,
        0L,
        keyBytes,
        new byte[] {1},
        Headers.empty());
  }

  private static List<Long> offsets(Batch batch) {
    return batch.records().stream().map(Message::offset).toList();
  }

  private static List<Long> offsetsOf(Batch batch, SourcePartition partition) {
    return batch.records().stream()
        .filter(m -> m.topic().equals(partition.topic()) && m.partition() == partition.partition())
        .map(Message::offset)
        .toList();
  }

  private static List<String> keys(Batch batch) {
    return batch.records().stream().map(m -> new String(m.key(), StandardCharsets.UTF_8)).toList();
  }
}
