package dev.flows.format;

import java.nio.charset.StandardCharsets;

/** UTF-8 text. */
final class StringFormat implements Format<String> {
  static final StringFormat INSTANCE = new StringFormat();

  @Override
  public byte[] encode(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String decode(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public String name() {
    return "string";
  }
}
