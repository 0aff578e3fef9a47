package dev.flows.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.flows.FlowDefinitionException;
import dev.flows.internal.OptionalLibrary;
import java.util.Objects;

/**
 * The built-in formats. Bytes is the default everywhere a format is not given. JSON needs {@code
 * com.fasterxml.jackson.core:jackson-databind} (2.x) and protobuf needs {@code
 * com.google.protobuf:protobuf-java} on the class path; both are optional dependencies of
 * flows-core, so a service adds the one it uses. Without it, creating the format throws a {@link
 * FlowDefinitionException} naming the artifact, when the flow is defined.
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

  /**
   * JSON mapped to {@code type} with a shared default {@link ObjectMapper}, which ignores unknown
   * properties.
   *
   * @throws FlowDefinitionException if jackson-databind is not on the class path
   */
  public static <T> Format<T> json(Class<T> type) {
    OptionalLibrary.JACKSON.require(jsonUse(type));
    return JsonFormat.of(type);
  }

  /**
   * JSON mapped to {@code type} with the given (configured, thread-safe) mapper.
   *
   * @throws FlowDefinitionException if jackson-databind is not visible to flows-core's class loader
   */
  public static <T> Format<T> json(Class<T> type, ObjectMapper mapper) {
    OptionalLibrary.JACKSON.require(jsonUse(type));
    return new JsonFormat<>(type, Objects.requireNonNull(mapper, "mapper"));
  }

  /**
   * Protobuf messages parsed with the message's parser, e.g. {@code Order.parser()}. Your generated
   * message classes need protobuf-java themselves: without it they fail to load in your code,
   * before this method runs, so keep it a runtime dependency wherever those classes come from.
   *
   * @throws FlowDefinitionException if protobuf-java is not visible to flows-core's class loader
   */
  public static <T extends MessageLite> Format<T> protobuf(Parser<T> parser) {
    OptionalLibrary.PROTOBUF.require("Formats.protobuf");
    return new ProtobufFormat<>(Objects.requireNonNull(parser, "parser"));
  }

  private static String jsonUse(Class<?> type) {
    return "Formats.json(" + Objects.requireNonNull(type, "type").getSimpleName() + ")";
  }
}
