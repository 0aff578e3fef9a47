package dev.flows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable, ordered, multi-valued record headers. A key may appear several times; {@link
 * #lastValue(String)} returns the last one, as Kafka does.
 */
public final class Headers implements Iterable<Headers.Header> {
  private static final Headers EMPTY = new Headers(List.of());

  private final List<Header> entries;

  private Headers(List<Header> entries) {
    this.entries = entries;
  }

  /** One header: a key and a (possibly {@code null}) byte value. */
  public record Header(String key, byte[] value) {
    /** Validates the key. */
    public Header {
      Objects.requireNonNull(key, "header key");
    }

    /** The value decoded as UTF-8, {@code null} for a {@code null} value. */
    public String stringValue() {
      return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Header h && key.equals(h.key) && Arrays.equals(value, h.value);
    }

    @Override
    public int hashCode() {
      return 31 * key.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return key + "=" + stringValue();
    }
  }

  /** No headers. */
  public static Headers empty() {
    return EMPTY;
  }

  /** Headers holding the given entries in order (the list is copied). */
  public static Headers of(List<Header> entries) {
    return entries.isEmpty() ? EMPTY : new Headers(List.copyOf(entries));
  }

  /** A copy with one more header (UTF-8 value) appended. */
  public Headers with(String key, String value) {
    return with(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  /** A copy with one more header appended. */
  public Headers with(String key, byte[] value) {
    List<Header> copy = new ArrayList<>(entries.size() + 1);
    copy.addAll(entries);
    copy.add(new Header(key, value));
    return new Headers(Collections.unmodifiableList(copy));
  }

  /** A copy with every header of {@code more} appended. */
  public Headers withAll(Headers more) {
    if (more.isEmpty()) {
      return this;
    }
    List<Header> copy = new ArrayList<>(entries);
    copy.addAll(more.entries);
    return new Headers(Collections.unmodifiableList(copy));
  }

  /** The last value for the key, if any. */
  public Optional<byte[]> lastValue(String key) {
    for (int i = entries.size() - 1; i >= 0; i--) {
      if (entries.get(i).key().equals(key)) {
        return Optional.ofNullable(entries.get(i).value());
      }
    }
    return Optional.empty();
  }

  /** The last value for the key decoded as UTF-8, if any. */
  public Optional<String> lastString(String key) {
    return lastValue(key).map(v -> new String(v, StandardCharsets.UTF_8));
  }

  /** Every value for the key, in order. */
  public List<byte[]> values(String key) {
    return entries.stream().filter(h -> h.key().equals(key)).map(Header::value).toList();
  }

  /** All headers in order. */
  public List<Header> asList() {
    return entries;
  }

  /** How many headers there are. */
  public int size() {
    return entries.size();
  }

  /** Whether there are none. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  @Override
  public Iterator<Header> iterator() {
    return entries.iterator();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Headers h && entries.equals(h.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return entries.toString();
  }
}
