package dev.flows.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RecoveryMarksTest {
  private static final String OUTPUT =
      String.join(
          "\n",
          "MARK start 1000",
          "12:00:01.000 [main] INFO dev.flows.runtime.FlowRuntime - started [a-b-c]",
          "MARK assigned 3000 0",
          "MARK assigned 3500 2",
          "MARK first-output 3700",
          "MARK assigned 9000 4",
          "");

  @Test
  void shouldReadStartAssignmentsAndFirstOutputWhenMarksAreMixedWithLogs() {
    RecoveryMarks.Timeline t = RecoveryMarks.read(OUTPUT);
    assertEquals(OptionalLong.of(1000), t.start());
    assertEquals(OptionalLong.of(3700), t.firstOutput());
    assertEquals(4, t.owned());
    assertEquals(OptionalLong.of(3500), t.owning(2, 1000));
    assertEquals(OptionalLong.of(9000), t.owning(2, 4000));
    assertEquals(OptionalLong.empty(), t.owning(5, 0));
  }

  @Test
  void shouldOwnNothingWhenNoAssignmentWasPrinted() {
    RecoveryMarks.Timeline t = RecoveryMarks.read("MARK start 5\n");
    assertEquals(0, t.owned());
    assertEquals(OptionalLong.empty(), t.firstOutput());
  }

  @Test
  void shouldFailWhenAMarkIsUnknown() {
    assertThrows(IllegalArgumentException.class, () -> RecoveryMarks.read("MARK stopped 5\n"));
  }
}
