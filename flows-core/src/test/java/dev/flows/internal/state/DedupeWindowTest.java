package dev.flows.internal.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.internal.state.DedupeWindow.Verdict;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class DedupeWindowTest {

  @Test
  void shouldApplyALateRecordOnceWhenItArrivesAfterANewerOne() {
    DedupeWindow window = new DedupeWindow(100);

    window.applied(101);

    assertEquals(Verdict.NEW, window.check(100), "100 was never applied");
    window.applied(100);
    assertEquals(Verdict.DUPLICATE, window.check(101));
    assertEquals(Verdict.DUPLICATE, window.check(100));
    assertEquals(Verdict.NEW, window.check(99));
  }

  @Test
  void shouldCallARecordTooOldWhenItIsBelowTheWindow() {
    DedupeWindow window = new DedupeWindow(100);
    window.applied(5);
    window.applied(500);

    assertEquals(Verdict.TOO_OLD, window.check(400), "400 = 500 - span: outside");
    assertEquals(Verdict.NEW, window.check(401));
    assertEquals(Verdict.TOO_OLD, window.check(5), "5 fell out of the window");
  }

  @Test
  void shouldForgetSlotsOfOffsetsThatLeftTheWindowWhenItMovesUp() {
    DedupeWindow window = new DedupeWindow(10);
    window.applied(3); // slot 3

    window.applied(12); // the window is now 3..12, exclusive of 2: slot 3 still holds 3
    assertEquals(Verdict.DUPLICATE, window.check(3));
    window.applied(13); // 3 leaves; slot 3 now belongs to 13

    assertEquals(Verdict.TOO_OLD, window.check(3));
    assertEquals(Verdict.DUPLICATE, window.check(13));
    assertEquals(Verdict.NEW, window.check(11), "11 was skipped over, not applied");
  }

  @Test
  void shouldKeepExactlyTheAppliedOffsetsWhenWrittenAndReadBack() {
    Random random = new Random(42);
    for (int density : new int[] {1, 2, 3, 7, 50}) {
      DedupeWindow window = new DedupeWindow(1_000);
      TreeSet<Long> applied = new TreeSet<>();
      for (long o = 0; o < 3_000; o++) {
        if (random.nextInt(density) == 0) {
          window.applied(o);
          applied.add(o);
        }
      }

      DedupeWindow read = roundTrip(window);

      assertEquals(window.highest(), read.highest());
      for (long o = window.highest() - 999; o <= window.highest(); o++) {
        assertEquals(
            applied.contains(o) ? Verdict.DUPLICATE : Verdict.NEW,
            read.check(o),
            "offset " + o + " at density 1/" + density);
      }
      assertEquals(Verdict.TOO_OLD, read.check(window.highest() - 1_000));
    }
  }

  @Test
  void shouldKeepASparseWindowExactlyAcrossTheRingsWrapAndItsFloor() {
    for (long[] offsets :
        new long[][] {
          {0, 1, 7, 19_999}, // highest below the span: the floor is offset 0
          {3, 20_001, 20_002, 39_998, 40_004}, // the ring wrapped twice; 3 left the window
          {25_000, 19_999, 24_999, 30_000, 20_001} // out of order, the slots of a run wrap
        }) {
      DedupeWindow window = new DedupeWindow(20_000);
      TreeSet<Long> applied = new TreeSet<>();
      for (long o : offsets) {
        window.applied(o);
        applied.add(o);
      }

      DedupeWindow read = roundTrip(window);

      long floor = Math.max(0, window.highest() - 19_999);
      for (long o = floor; o <= window.highest(); o++) {
        assertEquals(
            applied.contains(o) ? Verdict.DUPLICATE : Verdict.NEW,
            read.check(o),
            "offset " + o + " of " + applied);
      }
      assertEquals(true, bytes(window).length < 32, "a few runs, not a bitmap of the span");
    }
  }

  @Test
  void shouldStoreAContiguousRunInAFewBytesWhenAKeyIsHot() {
    DedupeWindow window = new DedupeWindow(10_000);
    for (long o = 0; o < 20_000; o++) {
      window.applied(o);
    }

    assertEquals(true, bytes(window).length < 16, "one run, not a bitmap");
  }

  private static DedupeWindow roundTrip(DedupeWindow window) {
    return DedupeWindow.read(new ByteReader(bytes(window)), window.span());
  }

  private static byte[] bytes(DedupeWindow window) {
    ByteWriter out = new ByteWriter(16);
    window.write(out);
    return out.toByteArray();
  }
}
