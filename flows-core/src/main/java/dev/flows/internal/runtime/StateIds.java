package dev.flows.internal.runtime;

import java.util.Locale;

/**
 * Persistence ids must be text every store keeps exactly: PostgreSQL's text cannot hold U+0000, and
 * the driver turns a lone UTF-16 surrogate into '?', so two ids could become one row. Such an id is
 * the record's problem (dead letter), never a batch failure.
 */
final class StateIds {
  private StateIds() {}

  /** {@code id}, if a store can keep it; throws {@link IllegalArgumentException} saying why not. */
  static String checked(String id) {
    if (id == null) {
      throw new IllegalArgumentException("the state key is null; return a non-null persistence id");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '\u0000') {
        throw new IllegalArgumentException(
            "the state key contains U+0000 at index " + i + ", which no state store can keep");
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < id.length()
          && Character.isLowSurrogate(id.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            "the state key contains a lone UTF-16 surrogate (U+"
                + Integer.toHexString(c).toUpperCase(Locale.ROOT)
                + ") at index "
                + i
                + ", which is not text: it cannot be stored as it is");
      }
    }
    return id;
  }
}
