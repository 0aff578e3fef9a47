package dev.flows.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings the parent passes to a contender's JVM as {@code name=value} arguments: the same
 * text is both the child's command line and what it reads back.
 */
record Params(Map<String, String> values) {
  /** The parameter that chooses the contender's processing guarantee; at-least-once without it. */
  static final String GUARANTEE = "guarantee";

  /** The value of {@link #GUARANTEE} for exactly-once. */
  static final String EXACTLY_ONCE = "exactly_once";

  Params {
    values = Map.copyOf(values);
  }

  static Params of(String... namesAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return new Params(map);
  }

  static Params parse(List<String> args) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("expected name=value, got " + arg);
      }
      map.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    return new Params(map);
  }

  Params with(String name, Object value) {
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.put(name, String.valueOf(value));
    return new Params(copy);
  }

  String get(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing parameter " + name + " in " + values.keySet());
    }
    return value;
  }

  /** Whether the parameter is {@code true}; {@code false} when it is not given. */
  boolean flag(String name) {
    return Boolean.parseBoolean(values.get(name));
  }

  /** Whether {@code guarantee=exactly_once}: the contender runs exactly-once. */
  boolean exactlyOnce() {
    return EXACTLY_ONCE.equals(values.get(GUARANTEE));
  }

  /** A copy with every parameter of {@code more} added (replacing those of the same name). */
  Params with(Params more) {
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.putAll(more.values);
    return new Params(copy);
  }

  int integer(String name) {
    return Integer.parseInt(get(name));
  }

  /** The parameter as a number, {@code fallback} when it is not given. */
  int integer(String name, int fallback) {
    return values.containsKey(name) ? integer(name) : fallback;
  }

  List<String> toArgs() {
    List<String> args = new ArrayList<>();
    values.forEach((name, value) -> args.add(name + "=" + value));
    return args;
  }
}
