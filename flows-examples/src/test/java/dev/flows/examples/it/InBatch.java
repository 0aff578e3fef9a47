package dev.flows.examples.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Holds a worker JVM inside a batch for the fault tests: prints {@code IN_BATCH}, then waits for a
 * line on stdin ({@code ChildJvm.writeLine}).
 */
final class InBatch {
  private InBatch() {}

  /** Prints IN_BATCH and waits for a line on stdin. */
  static void awaitLine() {
    System.out.println("IN_BATCH");
    System.out.flush();
    try {
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
