package dev.flows.format;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flows.FormatException;
import java.io.IOException;

/** JSON through Jackson. Unknown properties are ignored so producers may add fields. */
final class JsonFormat<T> implements Format<T> {
  /** Created on first use only, so Jackson stays optional for users who never ask for JSON. */
  private static final class DefaultMapper {
    static final ObjectMapper MAPPER =
        new ObjectMapper()
            .findAndRegisterModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  private final Class<T> type;
  private final ObjectMapper mapper;

  JsonFormat(Class<T> type, ObjectMapper mapper) {
    this.type = type;
    this.mapper = mapper;
  }

  static <T> JsonFormat<T> of(Class<T> type) {
    return new JsonFormat<>(type, DefaultMapper.MAPPER);
  }

  @Override
  public byte[] encode(T value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new FormatException(
          "cannot encode " + type.getSimpleName() + " as JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public T decode(byte[] bytes) {
    try {
      return mapper.readValue(bytes, type);
    } catch (IOException e) {
      throw new FormatException(
          "cannot decode JSON as " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return "json(" + type.getSimpleName() + ")";
  }
}
