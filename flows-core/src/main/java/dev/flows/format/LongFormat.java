package dev.flows.format;

import dev.flows.FormatException;
import java.nio.charset.StandardCharsets;

/** A long as UTF-8 decimal text, e.g. {@code 42}. */
final class LongFormat implements Format<Long> {
  static final LongFormat INSTANCE = new LongFormat();

  @Override
  public byte[] encode(Long value) {
    return value.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Long decode(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new FormatException("cannot decode '" + text + "' as a decimal long", e);
    }
  }

  @Override
  public String name() {
    return "long";
  }
}
