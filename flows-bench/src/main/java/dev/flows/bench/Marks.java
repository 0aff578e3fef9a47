package dev.flows.bench;

import java.util.OptionalLong;

/**
 * What a contender's JVM tells the parent on standard output: {@code FIRST <epoch ms>} when its
 * user function sees the first record (the start of the measured interval, the same hook for every
 * contender) and {@code DONE <epoch ms>} when a contender counts its own end (task scenario).
 */
final class Marks {
  static final String FIRST = "FIRST ";
  static final String DONE = "DONE ";
  private static volatile boolean first;

  private Marks() {}

  /** Prints the FIRST mark once; returns {@code value} so it fits inside a mapper. */
  static <T> T first(T value) {
    if (!first) {
      first = true;
      print(FIRST);
    }
    return value;
  }

  /** The time of the FIRST mark in a child's {@code output}, if it printed one. */
  static OptionalLong firstIn(String output) {
    return output
        .lines()
        .filter(line -> line.startsWith(FIRST))
        .mapToLong(line -> Long.parseLong(line.substring(FIRST.length()).trim()))
        .findFirst();
  }

  /** Prints the DONE mark. */
  static void done() {
    print(DONE);
  }

  private static void print(String mark) {
    synchronized (System.out) {
      System.out.println(mark + System.currentTimeMillis());
      System.out.flush();
    }
  }
}
