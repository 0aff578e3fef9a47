package dev.flows.bench;

import java.util.List;

/**
 * One case of the recovery scenario over its runs: how long the flow's partitions went unserved.
 *
 * @param name the case, e.g. {@code restart after SIGKILL, static}
 * @param protocol the group protocol: {@code classic} or {@code consumer} (KIP-848)
 * @param event what starts the clock: the restarted worker's JVM start, or the SIGTERM
 * @param toAssigned per run, seconds from the event until one worker owned every partition
 * @param toFirstRecord per run, seconds from then to the first record that worker's user function
 *     saw (the same hook in every contender, {@link Marks#first}); empty when not measured
 *     (scale-down: the survivor was already processing)
 * @param toCaughtUp per run, seconds from that record until the backlog was processed; empty when
 *     not measured
 * @param note what else happened (refusals, exits)
 */
record Recovery(
    String name,
    String protocol,
    String event,
    List<Double> toAssigned,
    List<Double> toFirstRecord,
    List<Double> toCaughtUp,
    String note) {

  Recovery {
    toAssigned = List.copyOf(toAssigned);
    toFirstRecord = List.copyOf(toFirstRecord);
    toCaughtUp = List.copyOf(toCaughtUp);
  }

  /**
   * The cells of its table row: case, protocol, from, to assigned, to first record, to caught up,
   * note.
   */
  Object[] cells() {
    return new Object[] {
      name, protocol, event, median(toAssigned), median(toFirstRecord), median(toCaughtUp), note
    };
  }

  /** The median and, for several runs, the range: {@code 1.85 (1.70-2.10)}; "-" if none. */
  static String median(List<Double> seconds) {
    if (seconds.isEmpty()) {
      return "-";
    }
    List<Double> sorted = seconds.stream().sorted().toList();
    String median = String.format("%.2f", sorted.get(sorted.size() / 2));
    return sorted.size() < 2
        ? median
        : String.format("%s (%.2f-%.2f)", median, sorted.get(0), sorted.get(sorted.size() - 1));
  }
}
