package dev.flows.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;

/**
 * The built-in formats. Bytes is the default everywhere a format is not given. JSON needs {@code
 * jackson-databind} and protobuf needs {@code protobuf-java} on the class path; both are optional
 * dependencies of flows-core.
 */
public final class Formats {
  private Formats() {}

  /** Raw bytes, unchanged: the default. */
  public static Format<byte[]> bytes() {
    return BytesFormat.INSTANCE;
  }

  /** UTF-8 text. Malformed input is replaced, as Kafka's StringDeserializer does. */
  public static Format<String> string() {
    return StringFormat.INSTANCE;
  }

  /**
   * A long as UTF-8 decimal text, e.g. {@code 42}: counts that read plainly on the console and in
   * SQL ({@code convert_from(state, 'UTF8')::bigint}).
   */
  public static Format<Long> longs() {
    return LongFormat.INSTANCE;
  }

  /** JSON mapped to {@code type} with a shared default {@link ObjectMapper}. */
  public static <T> Format<T> json(Class<T> type) {
    return JsonFormat.of(type);
  }

  /** JSON mapped to {@code type} with the given (configured, thread-safe) mapper. */
  public static <T> Format<T> json(Class<T> type, ObjectMapper mapper) {
    return new JsonFormat<>(type, mapper);
  }

  /** Protobuf messages parsed with the message's parser, e.g. {@code Order.parser()}. */
  public static <T extends MessageLite> Format<T> protobuf(Parser<T> parser) {
    return new ProtobufFormat<>(parser);
  }
}
