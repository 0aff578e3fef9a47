package dev.flows.internal;

import java.time.Duration;

/** Exponential backoff: the wait doubles from an initial one up to a maximum. */
public final class Backoff {
  private Backoff() {}

  /**
   * The wait before attempt {@code attempt + 1}: {@code initial} after the first (and for {@code
   * attempt < 1}), doubled for each further one, never above {@code max}; no overflow.
   */
  public static Duration after(int attempt, Duration initial, Duration max) {
    long factor = 1L << Math.min(Math.max(attempt - 1, 0), 30);
    long cap = max.toMillis();
    long first = initial.toMillis();
    return Duration.ofMillis(first > cap / factor ? cap : Math.min(first * factor, cap));
  }
}
