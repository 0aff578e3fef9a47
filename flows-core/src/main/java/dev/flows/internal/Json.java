package dev.flows.internal;

/**
 * The one JSON string escaper of flows-core, for the few JSON texts it writes by hand (health
 * status, admin error bodies) without a JSON library, which is optional.
 */
public final class Json {
  private Json() {}

  /**
   * {@code text} as a JSON string literal: quotes and backslashes escaped, newline, carriage return
   * and tab as {@code \n \r \t}, other control characters as {@code \}{@code u00XX}; everything
   * else, non-ASCII included, as it is.
   */
  public static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return out.append('"').toString();
  }
}
