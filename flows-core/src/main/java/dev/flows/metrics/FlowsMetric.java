package dev.flows.metrics;

import static dev.flows.FlowKind.COLLECTOR;
import static dev.flows.FlowKind.CRON;
import static dev.flows.FlowKind.HTTP;
import static dev.flows.FlowKind.MATERIALISE;
import static dev.flows.FlowKind.STATEFUL;
import static dev.flows.FlowKind.STATELESS;
import static dev.flows.FlowKind.TASK;

import dev.flows.FlowKind;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The catalogue of every metric Flows records, tagged with {@code flow} (the flow name) and the
 * tags listed. {@code docs/metrics.md} is generated from this enum and a test keeps the two equal.
 */
public enum FlowsMetric {
  /** Records read from input topics. */
  RECORDS_IN(
      "flows.records.in",
      Type.COUNTER,
      "Records read from an input topic (a task flow: tasks taken from its queue).",
      Recorded.ALWAYS,
      EnumSet.of(STATELESS, STATEFUL, COLLECTOR, MATERIALISE, TASK),
      "topic"),
  /** Records gone from an input topic before the flow read them. */
  RECORDS_UNREAD(
      "flows.records.unread",
      Type.COUNTER,
      "Records deleted from an input topic (retention, or a recreated topic) before the flow read"
          + " them; the flow went on from the earliest record left.",
      Recorded.ON_EVENT,
      topicReaders(),
      "topic"),
  /** Records written to output topics or queues, acknowledged by the broker. */
  RECORDS_OUT(
      "flows.records.out",
      Type.COUNTER,
      "Records published to an output topic (a cron flow: to its queue or topic).",
      Recorded.ALWAYS,
      EnumSet.of(STATELESS, STATEFUL, COLLECTOR, TASK, CRON, HTTP),
      "topic"),
  /** Records written to the dead-letter topic. */
  DEAD_LETTERS(
      "flows.records.dead.letters",
      Type.COUNTER,
      "Records written to the dead-letter topic.",
      Recorded.ON_EVENT,
      topicReaders(),
      "stage"),
  /** Failures of user code, by class. */
  FAILURES(
      "flows.failures",
      Type.COUNTER,
      "Failed attempts of user code, by class: permanent (dead-lettered at once), retryable"
          + " (retried, then dead-lettered) or transient (the batch, or the task, is retried until"
          + " it succeeds).",
      Recorded.ON_EVENT,
      EnumSet.allOf(FlowKind.class),
      "class"),
  /** Batch sizes. */
  BATCH_SIZE(
      "flows.batch.size", Type.SUMMARY, "Records per microbatch.", Recorded.ALWAYS, topicReaders()),
  /** Time to process and publish a batch. */
  BATCH_DURATION(
      "flows.batch.duration",
      Type.TIMER,
      "Time to process a batch and have its outputs acknowledged.",
      Recorded.ALWAYS,
      topicReaders()),
  /** Time to commit a batch's offsets. */
  COMMIT_DURATION(
      "flows.commit.duration",
      Type.TIMER,
      "Time to commit the offsets of a batch.",
      Recorded.ALWAYS,
      topicReaders()),
  /** Batches that failed on infrastructure and were rewound. */
  BATCH_RETRIES(
      "flows.batch.retries",
      Type.COUNTER,
      "Batches rewound and retried after an infrastructure failure.",
      Recorded.ON_EVENT,
      topicReaders()),
  /** Records not yet read. */
  CONSUMER_LAG(
      "flows.consumer.lag",
      Type.GAUGE,
      "Records not yet read, summed over assigned partitions.",
      Recorded.ALWAYS,
      topicReaders()),
  /** Time to load the state rows a batch needs and does not have cached. */
  STATE_READ_DURATION(
      "flows.state.read.duration",
      Type.TIMER,
      "Time to load the state rows of a batch that were not cached.",
      Recorded.ALWAYS,
      EnumSet.of(STATEFUL)),
  /** Time to write a batch's changed rows. */
  STATE_WRITE_DURATION(
      "flows.state.write.duration",
      Type.TIMER,
      "Time to write the changed state rows (or table rows) of a batch.",
      Recorded.ALWAYS,
      EnumSet.of(STATEFUL, MATERIALISE)),
  /** Share of state lookups served by the local cache. */
  STATE_CACHE_HIT_RATE(
      "flows.state.cache.hit.rate",
      Type.GAUGE,
      "Share of state lookups served from the local cache, 0 to 1.",
      Recorded.ALWAYS,
      EnumSet.of(STATEFUL)),
  /** Rows whose state write met a newer version written by another instance. */
  STATE_CONFLICTS(
      "flows.state.conflicts",
      Type.COUNTER,
      "State writes refused because another instance wrote a newer version (fencing), or because"
          + " the purge of expired rows deleted the row meanwhile.",
      Recorded.ON_EVENT,
      EnumSet.of(STATEFUL)),
  /** Rows a stateful flow's state table holds, sampled by the purge of expired rows. */
  STATE_ROWS(
      "flows.state.rows",
      Type.GAUGE,
      "Rows the state table holds (PostgreSQL: the planner's estimate), sampled at each purge"
          + " round of a state with a retention.",
      Recorded.ON_EVENT,
      EnumSet.of(STATEFUL)),
  /** Expired rows deleted from a stateful flow's state table. */
  STATE_ROWS_PURGED(
      "flows.state.rows.purged",
      Type.COUNTER,
      "State rows deleted: unwritten for longer than the state's retention and behind the flow's"
          + " committed offsets.",
      Recorded.ON_EVENT,
      EnumSet.of(STATEFUL)),
  /** Records of a windowed flow late for every window they fall in. */
  WINDOW_LATE(
      "flows.window.late",
      Type.COUNTER,
      "Records of a windowed stateful flow that arrived after every window they fall in closed"
          + " (window end plus grace at or before their partition's stream time), by action:"
          + " dead_letter or drop.",
      Recorded.ON_EVENT,
      EnumSet.of(STATEFUL),
      "action"),
  /** Timers of a stateful flow that fired. */
  TIMERS_FIRED(
      "flows.timers.fired",
      Type.COUNTER,
      "Timers of a stateful flow that fired: their timer function called, or their dead letter"
          + " sent when it failed. A replay re-emitting a firing's outputs does not count.",
      Recorded.ON_EVENT,
      EnumSet.of(STATEFUL)),
  /** Deleted markers purged from a versioned materialised table. */
  MARKERS_PURGED(
      "flows.table.markers.purged",
      Type.COUNTER,
      "Deleted markers purged from a versioned materialised table: older than its marker"
          + " retention and behind the flow's committed offsets.",
      Recorded.ON_EVENT,
      EnumSet.of(MATERIALISE)),
  /** Time to run one task attempt, by what the queue does with it next. */
  TASK_DURATION(
      "flows.task.duration",
      Type.TIMER,
      "Time to run one task attempt and publish its result; outcome success, retry or dead_letter.",
      Recorded.ALWAYS,
      EnumSet.of(TASK),
      "outcome"),
  /** Requests an http flow answered, by status. */
  HTTP_REQUESTS(
      "flows.http.requests",
      Type.COUNTER,
      "Requests answered by an http flow, by HTTP status (those its route refuses first: 404,"
          + " 405, 413 are not counted).",
      Recorded.ALWAYS,
      EnumSet.of(HTTP),
      "status");

  /** How a metric is recorded. */
  public enum Type {
    /** A monotonically increasing count. */
    COUNTER,
    /** A distribution of values. */
    SUMMARY,
    /** A distribution of durations. */
    TIMER,
    /** A value sampled when read. */
    GAUGE
  }

  /** When a flow of a kind it applies to records it. */
  public enum Recorded {
    /** With every batch (a task flow: task; an http flow: request; a cron flow: firing). */
    ALWAYS,
    /**
     * Only when its event happens (a dead letter, a retry, a conflict, records deleted unread,
     * markers or state rows purged, a state with a retention, a late record of a windowed flow).
     */
    ON_EVENT
  }

  private final String metricName;
  private final Type type;
  private final String description;
  private final Recorded recorded;
  private final Set<FlowKind> kinds;
  private final List<String> tags;

  FlowsMetric(
      String metricName,
      Type type,
      String description,
      Recorded recorded,
      Set<FlowKind> kinds,
      String... extraTags) {
    this.metricName = metricName;
    this.type = type;
    this.description = description;
    this.recorded = recorded;
    this.kinds = Collections.unmodifiableSet(EnumSet.copyOf(kinds));
    this.tags = List.of(extraTags);
  }

  /** The kinds that read topics in batches. */
  private static Set<FlowKind> topicReaders() {
    return EnumSet.of(STATELESS, STATEFUL, COLLECTOR, MATERIALISE);
  }

  /** When a flow of one of its {@link #kinds()} records it. */
  public Recorded recorded() {
    return recorded;
  }

  /** The flow kinds that record it. */
  public Set<FlowKind> kinds() {
    return kinds;
  }

  /** The Micrometer name, e.g. {@code flows.records.in}. */
  public String metricName() {
    return metricName;
  }

  /** How it is recorded. */
  public Type type() {
    return type;
  }

  /** What it measures. */
  public String description() {
    return description;
  }

  /** Tags besides {@code flow}. */
  public List<String> tags() {
    return tags;
  }
}
