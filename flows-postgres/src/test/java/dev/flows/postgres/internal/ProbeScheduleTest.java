package dev.flows.postgres.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ProbeScheduleTest {
  private final ProbeSchedule schedule = new ProbeSchedule();

  @Test
  void shouldProbeEveryBatchWhenNothingWasProbedYet() {
    assertTrue(schedule.probeNext());
    assertTrue(schedule.probeNext());
  }

  @Test
  void shouldProbeEveryBatchWhileProbesFindManyAbsentKeys() {
    for (int i = 0; i < 50; i++) {
      assertTrue(schedule.probeNext(), "batch " + i);
      schedule.probed(2000, 300);
    }
  }

  @Test
  void shouldProbeOnlyEveryHundredthBatchWhenProbesFindEveryKeyPresent() {
    probeUntilSkipping();

    long probed = IntStream.range(0, 300).filter(i -> schedule.probeNext()).count();

    assertEquals(3, probed);
  }

  @Test
  void shouldProbeEveryBatchAgainWhenAReprobeFindsNewKeys() {
    probeUntilSkipping();
    while (!schedule.probeNext()) {
      // the skipped batches up to the next reprobe
    }

    schedule.probed(2000, 2000);

    assertTrue(schedule.probeNext());
    assertTrue(schedule.probeNext());
  }

  @Test
  void shouldKeepItsEstimateWhenAProbeHasNoKeys() {
    schedule.probed(0, 0);

    assertTrue(schedule.probeNext());
  }

  /** Present keys only, until the schedule skips: a few probes, as the average decays. */
  private void probeUntilSkipping() {
    int probes = 0;
    while (schedule.probeNext()) {
      schedule.probed(2000, 0);
      probes++;
    }
    assertTrue(probes <= 5, probes + " probes before skipping");
    assertFalse(schedule.probeNext());
  }
}
