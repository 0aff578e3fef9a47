package dev.flows.kafka;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one {@link Redrive} run did (or, in a dry run, would do).
 *
 * @param deadLetterTopic the topic read
 * @param retryTopic the topic written
 * @param dryRun whether nothing was published nor committed
 * @param redriven re-published records per error class ({@code flows.error.class})
 * @param firstKeys the keys of the first re-published records (at most {@value #KEYS_SHOWN})
 * @param skipped keys of the records skipped because their re-drive count reached the limit
 * @param unmatched records read that did not match the error-class or time filter
 */
public record RedriveReport(
    String deadLetterTopic,
    String retryTopic,
    boolean dryRun,
    Map<String, Integer> redriven,
    List<String> firstKeys,
    List<String> skipped,
    int unmatched) {
  /** How many keys the report keeps: {@value}. */
  public static final int KEYS_SHOWN = 10;

  /** Copies the collections, classes sorted by name. */
  public RedriveReport {
    redriven = Map.copyOf(new TreeMap<>(redriven));
    firstKeys = List.copyOf(firstKeys);
    skipped = List.copyOf(skipped);
  }

  /** How many records were (or would be) re-published. */
  public int total() {
    return redriven.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** The report as the re-drive command prints it. */
  public String text() {
    return (dryRun ? "dry run: would re-drive " : "re-drove ")
        + total()
        + " dead letters from "
        + deadLetterTopic
        + " to "
        + retryTopic
        + ", per error class "
        + new TreeMap<>(redriven)
        + ", first keys "
        + firstKeys
        + "\nskipped "
        + skipped.size()
        + " at the re-drive limit, keys "
        + skipped
        + "\nleft "
        + unmatched
        + " that do not match the filters";
  }
}
