package dev.flows;

import dev.flows.format.Format;
import dev.flows.format.Formats;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named topic with the formats of its keys and values. Immutable; the name is validated when the
 * topic is created.
 *
 * @param name the topic name: 1 to 249 of {@code [a-zA-Z0-9._-]}, as Kafka allows
 * @param keyFormat how keys are encoded
 * @param valueFormat how values are encoded
 */
public record Topic<K, V>(String name, Format<K> keyFormat, Format<V> valueFormat) {
  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  /** Validates the name and the formats. */
  public Topic {
    if (name == null || !LEGAL.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw FlowDefinitionException.of(
          "topic name", name, "is not a legal topic name", "use 1 to 249 of [a-zA-Z0-9._-]");
    }
    Objects.requireNonNull(keyFormat, "keyFormat");
    Objects.requireNonNull(valueFormat, "valueFormat");
  }

  /** A topic of raw bytes keys and values. */
  public static Topic<byte[], byte[]> topic(String name) {
    return new Topic<>(name, Formats.bytes(), Formats.bytes());
  }

  /** A topic with the given key and value formats. */
  public static <K, V> Topic<K, V> topic(String name, Format<K> keyFormat, Format<V> valueFormat) {
    return new Topic<>(name, keyFormat, valueFormat);
  }

  /** {@code name [keyFormat, valueFormat]}, as plans print it. */
  @Override
  public String toString() {
    return name + " [" + keyFormat.name() + ", " + valueFormat.name() + "]";
  }
}
