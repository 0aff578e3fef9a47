package dev.flows.kafka;

import dev.flows.DeadLetterHeaders;
import dev.flows.FlowsException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One {@link Redrive} run's decisions (filtered, skipped at the limit, re-published) and what it
 * sent; a {@code null} producer is a dry run.
 */
final class RedriveRun {
  private final Redrive.Options options;
  private final String retryTopic;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Map<String, Integer> redriven = new HashMap<>();
  private final List<String> firstKeys = new ArrayList<>();
  private final List<String> skipped = new ArrayList<>();
  private final List<Future<RecordMetadata>> sent = new ArrayList<>();
  private int unmatched;

  RedriveRun(Redrive.Options options, String retryTopic, KafkaProducer<byte[], byte[]> producer) {
    this.options = options;
    this.retryTopic = retryTopic;
    this.producer = producer;
  }

  void take(ConsumerRecord<byte[], byte[]> r) {
    String errorClass = String.valueOf(last(r.headers(), DeadLetterHeaders.ERROR_CLASS));
    if (!matches(r, errorClass)) {
      unmatched++;
      return;
    }
    String count = last(r.headers(), DeadLetterHeaders.REDRIVE_COUNT);
    int redrives = count == null ? 0 : Integer.parseInt(count.trim());
    if (redrives >= options.maxRedrives()) {
      skipped.add(text(r.key()));
      return;
    }
    redriven.merge(errorClass, 1, Integer::sum);
    if (firstKeys.size() < RedriveReport.KEYS_SHOWN) {
      firstKeys.add(text(r.key()));
    }
    if (producer != null) {
      Headers headers = new RecordHeaders();
      for (Header h : r.headers()) {
        if (!h.key().equals(DeadLetterHeaders.REDRIVE_COUNT)) {
          headers.add(h);
        }
      }
      headers.add(
          DeadLetterHeaders.REDRIVE_COUNT,
          Integer.toString(redrives + 1).getBytes(StandardCharsets.UTF_8));
      sent.add(producer.send(new ProducerRecord<>(retryTopic, null, r.key(), r.value(), headers)));
    }
  }

  private boolean matches(ConsumerRecord<byte[], byte[]> r, String errorClass) {
    return (options.errorClass() == null || options.errorClass().equals(errorClass))
        && (options.since() == null || r.timestamp() >= options.since().toEpochMilli());
  }

  void awaitSent() {
    for (Future<RecordMetadata> future : sent) {
      try {
        future.get();
      } catch (ExecutionException e) {
        throw new FlowsException(
            "cannot re-drive to " + retryTopic + ": " + e.getCause().getMessage(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FlowsException("interrupted while re-driving to " + retryTopic, e);
      }
    }
  }

  RedriveReport report(String deadLetterTopic) {
    return new RedriveReport(
        deadLetterTopic, retryTopic, options.dryRun(), redriven, firstKeys, skipped, unmatched);
  }

  private static String last(Headers headers, String key) {
    Header header = headers.lastHeader(key);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static String text(byte[] key) {
    return key == null ? "null" : new String(key, StandardCharsets.UTF_8);
  }
}
