package dev.flows.postgres.internal;

/**
 * Whether the next batch of a materialised table probes its keys ({@link KeyProbe}). The probe pays
 * only for keys it finds absent (they skip {@code ON CONFLICT}); when every key is present it costs
 * a statement for nothing. So: probe while the share of absent keys that recent probes found (a
 * moving average, each probe weighing {@value #WEIGHT}) is at least {@value #MIN_ABSENT_SHARE}, and
 * otherwise only every {@value #REPROBE_EVERY}th batch, to notice new keys coming back. A schedule
 * only saves time: a batch written without the probe is written by the statements that need none.
 * Thread-safe.
 */
final class ProbeSchedule {
  /** The share of absent keys below which the probe is skipped: {@value}. */
  static final double MIN_ABSENT_SHARE = 0.10;

  /** While skipping, every how many batches one probes: {@value}. */
  static final int REPROBE_EVERY = 100;

  /** The weight of the last probe's share in the moving average: {@value}. */
  static final double WEIGHT = 0.5;

  private double absentShare = 1.0;
  private int skipped;

  /** Whether the next batch probes; counts it as skipped if not. */
  synchronized boolean probeNext() {
    if (absentShare >= MIN_ABSENT_SHARE || skipped + 1 >= REPROBE_EVERY) {
      skipped = 0;
      return true;
    }
    skipped++;
    return false;
  }

  /** A probe of {@code keys} keys found {@code absent} of them absent. */
  synchronized void probed(int keys, int absent) {
    if (keys > 0) {
      absentShare = (1 - WEIGHT) * absentShare + WEIGHT * absent / keys;
    }
  }
}
