package dev.flows.bench;

/**
 * One contender's run as the parent saw it.
 *
 * @param records records processed in the measured interval
 * @param seconds from the first record seen by the user function to the last output acknowledged
 *     (or the last state committed)
 * @param peakRssMb the child JVM's peak resident set ({@code VmHWM}) in MiB
 * @param startMillis when the interval started (epoch milliseconds)
 */
record Measurement(long records, double seconds, double peakRssMb, long startMillis) {
  double perSecond() {
    return records / seconds;
  }
}
