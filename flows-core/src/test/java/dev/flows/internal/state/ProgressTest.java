package dev.flows.internal.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.internal.state.DedupeWindow.Verdict;
import dev.flows.spi.SourcePartition;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private static final ToIntFunction<String> FIRST = topic -> 0;
  private static final SourcePartition A3 = new SourcePartition("a", 3);
  private static final SourcePartition B1 = new SourcePartition("b", 1);

  @Test
  void shouldKeepConsumedOffsetsAndOriginWindowsWhenEncodedAndDecoded() {
    Progress progress = Progress.empty();
    progress.advance(A3, 10);
    progress.advance(B1, 20);
    progress.origin(new SourcePartition("src", 0), 100).applied(7);

    Progress read = Progress.decode(progress.encode(FIRST), FIRST, 100, true);

    assertEquals(Map.of(A3, 10L, B1, 20L), read.consumed());
    assertTrue(read.covers(A3, 10));
    assertFalse(read.covers(A3, 11));
    assertEquals(Verdict.DUPLICATE, read.origin(new SourcePartition("src", 0), 100).check(7));
    assertEquals(Verdict.NEW, read.origin(new SourcePartition("src", 0), 100).check(6));
  }

  @Test
  void shouldDropTheOffsetsOfATopicWhenItsGenerationChanged() {
    Progress progress = Progress.empty();
    progress.advance(A3, 10);
    progress.advance(B1, 20);

    Progress read = Progress.decode(progress.encode(FIRST), t -> t.equals("a") ? 1 : 0, 100, false);

    assertEquals(Map.of(B1, 20L), read.consumed(), "a was recreated: its old offsets mean nothing");
  }

  @Test
  void shouldReadLayoutVersionOneWhenRowsPredateProtocolTwo() throws IOException {
    byte[] v1 = version1(A3, 10);

    assertEquals(Map.of(A3, 10L), Progress.decode(v1, FIRST, 100, false).consumed());
    DedupeWindow legacy = Progress.decode(v1, FIRST, 100, true).origin(A3, 100);
    assertEquals(Verdict.DUPLICATE, legacy.check(10), "a join's version 1 kept origin offsets");
    assertEquals(Verdict.DUPLICATE, legacy.check(9), "version 1 meant: everything up to 10");
    assertEquals(Verdict.NEW, legacy.check(11));
  }

  @Test
  void shouldBeBehindWhenEveryOffsetIsBelowItsPartitionsCommittedOffset() {
    byte[] encoded = fedBy(Map.of(A3, 10L, B1, 20L));

    assertTrue(Progress.behind(encoded, FIRST, committed(Map.of(A3, 11L, B1, 21L))));
    assertFalse(
        Progress.behind(encoded, FIRST, committed(Map.of(A3, 11L, B1, 20L))),
        "b-1@20 is not committed yet: a replay from 20 reaches the row");
    assertFalse(
        Progress.behind(encoded, FIRST, committed(Map.of(A3, 11L))),
        "b-1 has no committed offset: nothing says a replay cannot reach the row");
  }

  @Test
  void shouldBeBehindWhenAnEntryIsOfAnEarlierGeneration() {
    byte[] encoded = fedBy(Map.of(A3, 10L, B1, 20L));

    assertTrue(
        Progress.behind(encoded, t -> t.equals("a") ? 1 : 0, committed(Map.of(B1, 21L))),
        "a was recreated: its old offsets are behind whatever is committed");
    assertFalse(
        Progress.behind(encoded, t -> t.equals("a") ? 1 : 0, committed(Map.of(B1, 20L))),
        "the current generation's entries are still judged by their offsets");
  }

  @Test
  void shouldNotBeBehindWhenAnEntryIsOfALaterGenerationThanKnown() {
    Progress progress = Progress.empty();
    progress.advance(A3, 10);
    byte[] encoded = progress.encode(t -> 2);

    assertFalse(
        Progress.behind(encoded, t -> 1, committed(Map.of(A3, 100L))),
        "a purge that has not seen the recreation must not judge the new topic's offsets");
  }

  @Test
  void shouldJudgeLayoutVersionOneAsGenerationZeroWhenAsked() throws IOException {
    byte[] v1 = version1(A3, 10);

    assertTrue(Progress.behind(v1, FIRST, committed(Map.of(A3, 11L))));
    assertFalse(Progress.behind(v1, FIRST, committed(Map.of(A3, 10L))));
  }

  private static byte[] fedBy(Map<SourcePartition, Long> offsets) {
    Progress progress = Progress.empty();
    offsets.forEach(progress::advance);
    return progress.encode(FIRST);
  }

  private static java.util.function.ToLongFunction<SourcePartition> committed(
      Map<SourcePartition, Long> next) {
    return p -> next.getOrDefault(p, -1L);
  }

  private static byte[] version1(SourcePartition partition, long offset) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(1);
      out.writeInt(1);
      out.writeUTF(partition.topic());
      out.writeInt(partition.partition());
      out.writeLong(offset);
    }
    return bytes.toByteArray();
  }
}
