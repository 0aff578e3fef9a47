package dev.flows.bench;

import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.Suppressed.BufferConfig;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.WindowedSerdes;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams contenders: {@code processing.guarantee=at_least_once} ({@code exactly_once_v2}
 * with {@code guarantee=exactly_once}) and default settings, except a commit interval of 100 ms for
 * the count (the at-least-once default of 30 s would hold its last offsets back by up to 30 s; 100
 * ms matches Flows' default batch wait and is the exactly-once default).
 */
final class StreamsContender {
  private StreamsContender() {}

  /** {@code streams-map}: {@code stream().mapValues().to()}. */
  static void stateless(Params p) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(p.get("in"), Consumed.with(Serdes.String(), Serdes.String()))
        .mapValues(v -> Work.map(Marks.first(v)))
        .to(p.get("out"), Produced.with(Serdes.String(), Serdes.String()));
    run(builder, properties(p));
  }

  /** {@code streams-count}: {@code groupByKey().count()} in RocksDB, counts to the output topic. */
  static void count(Params p) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(p.get("in"), Consumed.with(Serdes.String(), Serdes.String()))
        .peek((k, v) -> Marks.first(v))
        .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
        .count(Materialized.with(Serdes.String(), Serdes.Long()))
        .toStream()
        .mapValues(count -> Long.toString(count))
        .to(p.get("out"), Produced.with(Serdes.String(), Serdes.String()));
    Properties props = properties(p);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    run(builder, props);
  }

  /**
   * {@code streams-windowed-count}: {@code groupByKey().windowedBy(tumbling, grace).count()} in
   * RocksDB, {@code suppress(untilWindowCloses(unbounded()))}: one count per word and window, when
   * the window closes, keyed by Kafka Streams' time-windowed key.
   */
  static void windowedCount(Params p) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(p.get("in"), Consumed.with(Serdes.String(), Serdes.String()))
        .peek((k, v) -> Marks.first(v))
        .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
        .windowedBy(TimeWindows.ofSizeAndGrace(WindowedScenario.WINDOW, WindowedScenario.GRACE))
        .count(Materialized.with(Serdes.String(), Serdes.Long()))
        .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
        .toStream()
        .mapValues(count -> Long.toString(count))
        .to(
            p.get("out"),
            Produced.with(
                WindowedSerdes.timeWindowedSerdeFrom(
                    String.class, WindowedScenario.WINDOW.toMillis()),
                Serdes.String()));
    Properties props = properties(p);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    run(builder, props);
  }

  /**
   * {@code streams-session-count}: {@code groupByKey().windowedBy(SessionWindows(gap,
   * grace)).count()} in RocksDB, {@code suppress(untilWindowCloses(unbounded()))}: one count per
   * word and session, when the session closes, keyed by Kafka Streams' session-windowed key.
   */
  static void sessionCount(Params p) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(p.get("in"), Consumed.with(Serdes.String(), Serdes.String()))
        .peek((k, v) -> Marks.first(v))
        .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
        .windowedBy(
            SessionWindows.ofInactivityGapAndGrace(SessionScenario.GAP, SessionScenario.GRACE))
        .count(Materialized.with(Serdes.String(), Serdes.Long()))
        .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
        .toStream()
        .mapValues(count -> Long.toString(count))
        .to(
            p.get("out"),
            Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(String.class), Serdes.String()));
    Properties props = properties(p);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    run(builder, props);
  }

  private static Properties properties(Params p) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, p.get("name"));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, p.get("bootstrap"));
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee(p));
    props.put(StreamsConfig.STATE_DIR_CONFIG, p.get("stateDir"));
    return props;
  }

  /**
   * {@code exactly_once_v2} (one transaction per thread and commit interval, offsets in it) or
   * {@code at_least_once}.
   */
  private static String processingGuarantee(Params p) {
    return p.exactlyOnce() ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE;
  }

  private static void run(StreamsBuilder builder, Properties props) {
    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    streams.setUncaughtExceptionHandler(
        e -> {
          LoggerFactory.getLogger(StreamsContender.class)
              .error("Kafka Streams failed; the contender exits", e);
          System.exit(3);
          return null;
        });
    streams.start();
    ChildMain.awaitKill();
  }
}
