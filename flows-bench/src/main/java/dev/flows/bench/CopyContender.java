package dev.flows.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * {@code copy-rows}: the PostgreSQL limit for materialise. Consumes the same topic as Flows (2,000
 * records per poll) and writes each poll's rows with one binary {@code COPY ... FROM STDIN} (its
 * own transaction), then commits the offsets. COPY cannot upsert: it is the floor of write cost for
 * rows whose keys are new, which they are in this scenario.
 */
final class CopyContender {
  private static final byte[] HEADER = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0
  };

  private CopyContender() {}

  static void copy(Params p) throws Exception {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, p.get("bootstrap"));
    config.put(ConsumerConfig.GROUP_ID_CONFIG, p.get("name"));
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
    String sql = "COPY \"" + p.get("table") + "\" (id, value) FROM STDIN (FORMAT binary)";
    try (KafkaConsumer<String, String> consumer =
            new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        Connection connection = DriverManager.getConnection(p.get("pgUrl"))) {
      CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
      consumer.subscribe(List.of(p.get("in")));
      while (true) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
        if (records.isEmpty()) {
          continue;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
          offsets.put(
              new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        copy.copyIn(sql, new ByteArrayInputStream(binary(records)));
        consumer.commitSync(offsets);
      }
    }
  }

  /**
   * The records as PostgreSQL's binary COPY format: header, one tuple of (id, value) per record,
   * trailer.
   */
  private static byte[] binary(ConsumerRecords<String, String> records) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(records.count() * 128);
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(HEADER);
    for (ConsumerRecord<String, String> r : records) {
      out.writeShort(2);
      field(out, r.key());
      field(out, Marks.first(r.value()));
    }
    out.writeShort(-1);
    return bytes.toByteArray();
  }

  private static void field(DataOutputStream out, String text) throws IOException {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }
}
