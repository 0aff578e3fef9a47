package dev.flows.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine a run happened on, as the JVM sees it.
 *
 * @param cores available processors
 * @param memoryGib physical memory in GiB
 * @param jdk vendor, version and VM name
 * @param os name, version and architecture
 */
record Machine(int cores, double memoryGib, String jdk, String os) {
  static Machine current() {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        os.getTotalMemorySize() / (1024.0 * 1024 * 1024),
        System.getProperty("java.vm.vendor")
            + " "
            + System.getProperty("java.runtime.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ")",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
  }

  /**
   * The 1-minute load average from {@code /proc/loadavg}: other work on a shared machine skews
   * every figure.
   */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  String describe() {
    return String.format("%d cores, %.1f GiB memory, %s, %s", cores, memoryGib, jdk, os);
  }
}
