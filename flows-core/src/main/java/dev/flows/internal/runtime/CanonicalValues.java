package dev.flows.internal.runtime;

import dev.flows.ColumnType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Row values as PostgreSQL will hold them, decided in Java so that every table sink, the in-memory
 * one included, sees the same rows and the runtime's per-key map treats as one key what the
 * database treats as one: Instants to microseconds (PostgreSQL's precision, truncated), {@code
 * -0.0} to {@code 0.0} (equal in PostgreSQL). Text that cannot be stored faithfully (U+0000, which
 * PostgreSQL refuses, and an unpaired surrogate, which the driver silently writes as {@code '?'})
 * is named, so its record fails alone instead of its batch or another key's row.
 */
final class CanonicalValues {
  private CanonicalValues() {}

  /** {@code value} (of {@code type}'s Java type, or null) as PostgreSQL will hold it. */
  static Object canonical(ColumnType type, Object value) {
    if (value == null) {
      return null;
    }
    return switch (type) {
      case TIMESTAMPTZ -> ((Instant) value).truncatedTo(ChronoUnit.MICROS);
      case DOUBLE -> (Double) value == 0.0 ? Double.valueOf(0.0) : value;
      case TEXT, JSONB, BIGINT, INTEGER, BOOLEAN, BYTEA -> value;
    };
  }

  /**
   * Why PostgreSQL cannot hold {@code value} faithfully, as the end of a sentence ("holds U+0000 at
   * index 3, ..."), or {@code null} if it can.
   */
  static String unfaithful(ColumnType type, Object value) {
    return switch (type) {
      case TEXT, JSONB -> value == null ? null : unfaithfulText((String) value);
      case TIMESTAMPTZ, DOUBLE, BIGINT, INTEGER, BOOLEAN, BYTEA -> null;
    };
  }

  private static String unfaithfulText(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0) {
        return "holds U+0000 at index " + i + ", which PostgreSQL cannot store in text or jsonb";
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "holds an unpaired surrogate U+"
            + Integer.toHexString(c).toUpperCase(Locale.ROOT)
            + " at index "
            + i
            + ", which is not Unicode text: PostgreSQL's driver would store '?' instead";
      }
    }
    return null;
  }
}
