package dev.flows.internal.runtime;

import static dev.flows.metrics.FlowsMetric.BATCH_DURATION;
import static dev.flows.metrics.FlowsMetric.BATCH_RETRIES;
import static dev.flows.metrics.FlowsMetric.BATCH_SIZE;
import static dev.flows.metrics.FlowsMetric.COMMIT_DURATION;
import static dev.flows.metrics.FlowsMetric.CONSUMER_LAG;
import static dev.flows.metrics.FlowsMetric.DEAD_LETTERS;
import static dev.flows.metrics.FlowsMetric.FAILURES;
import static dev.flows.metrics.FlowsMetric.HTTP_REQUESTS;
import static dev.flows.metrics.FlowsMetric.MARKERS_PURGED;
import static dev.flows.metrics.FlowsMetric.RECORDS_IN;
import static dev.flows.metrics.FlowsMetric.RECORDS_OUT;
import static dev.flows.metrics.FlowsMetric.RECORDS_UNREAD;
import static dev.flows.metrics.FlowsMetric.STATE_CACHE_HIT_RATE;
import static dev.flows.metrics.FlowsMetric.STATE_CONFLICTS;
import static dev.flows.metrics.FlowsMetric.STATE_READ_DURATION;
import static dev.flows.metrics.FlowsMetric.STATE_ROWS;
import static dev.flows.metrics.FlowsMetric.STATE_ROWS_PURGED;
import static dev.flows.metrics.FlowsMetric.STATE_WRITE_DURATION;
import static dev.flows.metrics.FlowsMetric.TASK_DURATION;
import static dev.flows.metrics.FlowsMetric.TIMERS_FIRED;
import static dev.flows.metrics.FlowsMetric.WINDOW_LATE;

import dev.flows.FailureClass;
import dev.flows.metrics.FlowsMetric;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/** The meters of one flow, created from the {@link FlowsMetric} catalogue and cached per tag. */
public final class FlowMetrics {
  private final MeterRegistry registry;
  private final String flow;
  private final Map<String, Counter> inByTopic = new ConcurrentHashMap<>();
  private final Map<String, Counter> unreadByTopic = new ConcurrentHashMap<>();
  private final Map<String, Counter> failuresByClass = new ConcurrentHashMap<>();
  private final Map<String, Counter> outByTopic = new ConcurrentHashMap<>();
  private final Map<String, Counter> deadLettersByStage = new ConcurrentHashMap<>();
  private final Map<String, Counter> lateByAction = new ConcurrentHashMap<>();
  private final Map<String, Counter> httpRequestsByStatus = new ConcurrentHashMap<>();
  private final Map<TaskOutcome, Timer> taskDurationByOutcome = new ConcurrentHashMap<>();
  private final DistributionSummary batchSize;
  private final Timer batchDuration;
  private final Timer commitDuration;
  private final Counter batchRetries;
  private final AtomicLong lag = new AtomicLong();

  /**
   * What the task queue does with a task after an attempt: the {@code outcome} tag of {@code
   * flows.task.duration}.
   */
  enum TaskOutcome {
    /** It succeeded: acknowledged. */
    SUCCESS,
    /** It failed with attempts left: retried after a backoff. */
    RETRY,
    /** It failed for good: dead-lettered. */
    DEAD_LETTER;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Meters for {@code flow} in {@code registry}. */
  public FlowMetrics(MeterRegistry registry, String flow) {
    this.registry = registry;
    this.flow = flow;
    this.batchSize =
        DistributionSummary.builder(BATCH_SIZE.metricName())
            .description(BATCH_SIZE.description())
            .tag("flow", flow)
            .register(registry);
    this.batchDuration = timer(BATCH_DURATION);
    this.commitDuration = timer(COMMIT_DURATION);
    this.batchRetries =
        Counter.builder(BATCH_RETRIES.metricName())
            .description(BATCH_RETRIES.description())
            .tag("flow", flow)
            .register(registry);
    Gauge.builder(CONSUMER_LAG.metricName(), lag, AtomicLong::get)
        .description(CONSUMER_LAG.description())
        .tag("flow", flow)
        .register(registry);
  }

  /** Meters kept in memory only, for the test driver. */
  public static FlowMetrics inMemory(String flow) {
    return new FlowMetrics(new SimpleMeterRegistry(), flow);
  }

  /** The registry, for gauges registered elsewhere. */
  public MeterRegistry registry() {
    return registry;
  }

  void recordsIn(String topic, int count) {
    counter(inByTopic, RECORDS_IN, "topic", topic).increment(count);
  }

  void recordsUnread(String topic, long count) {
    counter(unreadByTopic, RECORDS_UNREAD, "topic", topic).increment(count);
  }

  void failure(FailureClass failureClass) {
    counter(failuresByClass, FAILURES, "class", failureClass.label()).increment();
  }

  void windowLate(String action) {
    counter(lateByAction, WINDOW_LATE, "action", action).increment();
  }

  void recordOut(String topic) {
    counter(outByTopic, RECORDS_OUT, "topic", topic).increment();
  }

  void deadLetter(DeadLetters.Stage stage) {
    counter(deadLettersByStage, DEAD_LETTERS, "stage", stage.label()).increment();
  }

  void batch(int size, long nanos) {
    batchSize.record(size);
    batchDuration.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Records the time one commit took. */
  public void commit(long nanos) {
    commitDuration.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Sets the records not yet read, summed over assigned partitions. */
  public void lag(long records) {
    lag.set(records);
  }

  /** Records the time one state load took. */
  void stateRead(long nanos) {
    timer(STATE_READ_DURATION).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Records the time one state write took. */
  void stateWrite(long nanos) {
    timer(STATE_WRITE_DURATION).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Counts one state write refused for a newer version. */
  void stateConflict() {
    Counter.builder(STATE_CONFLICTS.metricName())
        .description(STATE_CONFLICTS.description())
        .tag("flow", flow)
        .register(registry)
        .increment();
  }

  /** Counts one timer fired. */
  void timerFired() {
    Counter.builder(TIMERS_FIRED.metricName())
        .description(TIMERS_FIRED.description())
        .tag("flow", flow)
        .register(registry)
        .increment();
  }

  /** Counts {@code count} deleted markers purged. */
  void markersPurged(int count) {
    Counter.builder(MARKERS_PURGED.metricName())
        .description(MARKERS_PURGED.description())
        .tag("flow", flow)
        .register(registry)
        .increment(count);
  }

  /** Counts {@code count} expired state rows purged. */
  void rowsPurged(int count) {
    Counter.builder(STATE_ROWS_PURGED.metricName())
        .description(STATE_ROWS_PURGED.description())
        .tag("flow", flow)
        .register(registry)
        .increment(count);
  }

  /** Reports the rows the state table holds, as last sampled (-1, not known yet: NaN). */
  void stateRows(LongSupplier rows) {
    Gauge.builder(
            STATE_ROWS.metricName(),
            () -> {
              long sampled = rows.getAsLong();
              return sampled < 0 ? Double.NaN : sampled;
            })
        .description(STATE_ROWS.description())
        .tag("flow", flow)
        .register(registry);
  }

  /** Samples the state cache's hit rate when read. */
  void stateCacheHitRate(DoubleSupplier hitRate) {
    Gauge.builder(STATE_CACHE_HIT_RATE.metricName(), hitRate::getAsDouble)
        .description(STATE_CACHE_HIT_RATE.description())
        .tag("flow", flow)
        .register(registry);
  }

  /** Records the time one task attempt took, and its outcome. */
  void task(TaskOutcome outcome, long nanos) {
    taskDurationByOutcome
        .computeIfAbsent(
            outcome,
            o ->
                Timer.builder(TASK_DURATION.metricName())
                    .description(TASK_DURATION.description())
                    .tag("flow", flow)
                    .tag("outcome", o.label())
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Counts one request an http flow answered with {@code status}. */
  void httpRequest(int status) {
    counter(httpRequestsByStatus, HTTP_REQUESTS, "status", Integer.toString(status)).increment();
  }

  /** Counts one rewound batch. */
  public void batchRetried() {
    batchRetries.increment();
  }

  private Timer timer(FlowsMetric metric) {
    return Timer.builder(metric.metricName())
        .description(metric.description())
        .tag("flow", flow)
        .register(registry);
  }

  private Counter counter(
      Map<String, Counter> cache, FlowsMetric metric, String tag, String value) {
    Counter counter = cache.get(value);
    if (counter != null) {
      return counter;
    }
    return cache.computeIfAbsent(
        value,
        v ->
            Counter.builder(metric.metricName())
                .description(metric.description())
                .tag("flow", flow)
                .tag(tag, v)
                .register(registry));
  }
}
