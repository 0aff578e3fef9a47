package dev.flows.examples.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The check of the kill tests that every expected result was read once, and nothing else. */
final class EachOnce {
  private EachOnce() {}

  /**
   * {@code actual} holds exactly one value for each key of {@code expected}, equal to it, and no
   * other key; the failure names how many differ and a few of each.
   */
  static void assertEachOnce(
      String what, Map<String, String> expected, Map<String, List<String>> actual) {
    List<String> twice = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    List<String> extra = new ArrayList<>();
    actual.forEach(
        (key, values) -> {
          if (values.size() > 1) {
            twice.add(key + " " + values);
          } else if (!expected.containsKey(key)) {
            extra.add(key + " " + values);
          } else if (!expected.get(key).equals(values.get(0))) {
            wrong.add(key + " " + values + " expected " + expected.get(key));
          }
        });
    List<String> missing = expected.keySet().stream().filter(k -> !actual.containsKey(k)).toList();
    if (!twice.isEmpty() || !wrong.isEmpty() || !extra.isEmpty() || !missing.isEmpty()) {
      throw new AssertionError(
          String.format(
              "%s: %d expected, %d read; %d more than once e.g. %s, %d wrong e.g. %s,"
                  + " %d unexpected e.g. %s, %d missing e.g. %s",
              what,
              expected.size(),
              actual.size(),
              twice.size(),
              first(twice),
              wrong.size(),
              first(wrong),
              extra.size(),
              first(extra),
              missing.size(),
              first(missing)));
    }
  }

  private static List<String> first(List<String> list) {
    return list.subList(0, Math.min(5, list.size()));
  }
}
