package dev.flows.internal.runtime;

import java.time.Duration;

/** Waits between retries. A seam so the test driver and unit tests retry without waiting. */
@FunctionalInterface
public interface Sleeper {
  /** The real one: parks the thread. */
  Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

  /** Returns at once. */
  Sleeper NONE = duration -> {};

  /** Waits for {@code duration}. */
  void sleep(Duration duration) throws InterruptedException;
}
