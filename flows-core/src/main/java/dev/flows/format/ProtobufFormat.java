package dev.flows.format;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.flows.FormatException;

/** Protobuf binary encoding. */
final class ProtobufFormat<T extends MessageLite> implements Format<T> {
  private final Parser<T> parser;

  ProtobufFormat(Parser<T> parser) {
    this.parser = parser;
  }

  @Override
  public byte[] encode(T value) {
    return value.toByteArray();
  }

  @Override
  public T decode(byte[] bytes) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new FormatException("cannot decode protobuf: " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return "protobuf";
  }
}
