package dev.flows.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.flows.spi.SourcePartition;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stream times by offset: what a batch starts from, and what a commit carries. */
class StreamTimesTest {
  static final SourcePartition P0 = new SourcePartition("words", 0);

  @Test
  void shouldStartABatchFromTheTimeAtOrBeforeItsFirstOffsetWhenOffsetsHaveGaps() {
    StreamTimes times = new StreamTimes();
    times.checkpoint(P0, 10, 1_000);
    times.checkpoint(P0, 20, 2_000);

    assertEquals(1_000, times.at(P0, 10), "a batch retried from offset 10");
    assertEquals(1_000, times.at(P0, 12), "offsets 10, 11 were transaction markers");
    assertEquals(2_000, times.at(P0, 20));
    assertEquals(StreamTimes.NONE, times.at(P0, 5), "before any checkpoint: unknown");
  }

  @Test
  void shouldRestoreTheTimeAtTheCommittedOffsetWhenGivenTheCommitsMetadata() {
    StreamTimes before = new StreamTimes();
    before.checkpoint(P0, 20, 2_000);
    String metadata = before.metadata(P0, 20);

    StreamTimes after = new StreamTimes();
    after.restore(Map.of(P0, metadata, new SourcePartition("words", 1), "someone else's"));

    assertEquals("flows.stream-time=2000@20", metadata);
    assertEquals(2_000, after.at(P0, 20));
    assertEquals(StreamTimes.NONE, after.at(new SourcePartition("words", 1), 20));
  }

  @Test
  void shouldCommitNoMetadataWhenNoRecordHadAnEventTime() {
    StreamTimes times = new StreamTimes();
    times.checkpoint(P0, 20, StreamTimes.NONE);

    assertNull(times.metadata(P0, 20));
  }

  @Test
  void shouldKeepTheLatestCheckpointsWhenManyBatchesPassed() {
    StreamTimes times = new StreamTimes();
    for (int batch = 1; batch <= 100; batch++) {
      times.checkpoint(P0, batch * 10L, batch);
    }

    assertEquals(100, times.at(P0, 1_000));
    assertEquals(100 - StreamTimes.KEPT + 1, times.at(P0, (100 - StreamTimes.KEPT + 1) * 10L));
    assertEquals(StreamTimes.NONE, times.at(P0, 10));
  }
}
