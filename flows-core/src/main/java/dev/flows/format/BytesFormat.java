package dev.flows.format;

/** Identity: the payload is the value. */
final class BytesFormat implements Format<byte[]> {
  static final BytesFormat INSTANCE = new BytesFormat();

  @Override
  public byte[] encode(byte[] value) {
    return value;
  }

  @Override
  public byte[] decode(byte[] bytes) {
    return bytes;
  }

  @Override
  public String name() {
    return "bytes";
  }
}
