package dev.flows.postgres.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Instants as text PostgreSQL reads as the same {@code timestamptz}. {@link Instant#toString()} is
 * that text for the years 1 to 9999, but not beyond: PostgreSQL reads the sign of {@code
 * +10000-01-01T00:00:00Z} as a time zone, and ISO year 0 as an error instead of 1 BC. So every
 * timestamp PostgreSQL can hold (4714-11-24 BC to 294276 AD) is written in its own form there, and
 * one it cannot hold gets PostgreSQL's "timestamp out of range" instead of a misleading refusal.
 */
final class Timestamps {
  /** 2000-01-01T00:00:00Z, PostgreSQL's epoch, in seconds since 1970. */
  private static final long POSTGRES_EPOCH = 946_684_800L;

  private Timestamps() {}

  /**
   * Whether {@link #micros} of {@code instant} is the {@code timestamptz} PostgreSQL reads from
   * {@link #text}: a whole number of microseconds (PostgreSQL rounds finer digits of the text
   * through a {@code double}) in the years 1 to 9999.
   */
  static boolean exactMicros(Instant instant) {
    int year = LocalDateTime.ofInstant(instant, ZoneOffset.UTC).getYear();
    return instant.getNano() % 1000 == 0 && year >= 1 && year <= 9999;
  }

  /**
   * {@code instant} in PostgreSQL's binary {@code timestamptz}: microseconds since 2000-01-01 UTC,
   * finer digits dropped (see {@link #exactMicros}).
   */
  static long micros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond() - POSTGRES_EPOCH, 1_000_000L),
        instant.getNano() / 1000);
  }

  /** {@code instant} as a {@code timestamptz} literal. */
  static String text(Instant instant) {
    LocalDateTime time = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    int year = time.getYear();
    if (year >= 1 && year <= 9999) {
      return instant.toString();
    }
    boolean bc = year < 1;
    StringBuilder text = new StringBuilder(40);
    pad(text, bc ? 1 - (long) year : year, 4).append('-');
    pad(text, time.getMonthValue(), 2).append('-');
    pad(text, time.getDayOfMonth(), 2).append(' ');
    pad(text, time.getHour(), 2).append(':');
    pad(text, time.getMinute(), 2).append(':');
    pad(text, time.getSecond(), 2).append('.');
    pad(text, time.getNano(), 9).append("+00");
    return bc ? text.append(" BC").toString() : text.toString();
  }

  private static StringBuilder pad(StringBuilder text, long value, int digits) {
    String number = Long.toString(value);
    text.append("0".repeat(Math.max(0, digits - number.length())));
    return text.append(number);
  }
}
