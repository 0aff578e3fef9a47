package dev.flows.rabbitmq.internal;

import com.rabbitmq.client.LongString;
import dev.flows.DeadLetterHeaders;
import dev.flows.FormatException;
import dev.flows.PermanentException;
import dev.flows.Queue;
import dev.flows.TaskOptions;
import dev.flows.TransientException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Decides where a failed task goes: the delay queue of its next attempt, or the dead-letter queue
 * once attempts are used up (at once for undecodable tasks), and which headers it carries there.
 * Pure logic.
 */
public final class Retries {
  private static final Pattern WHOLE_NUMBER = Pattern.compile("[-+]?\\d+");

  /** The message of an error in headers is cut to this many characters: {@value}. */
  public static final int MAX_MESSAGE_LENGTH = 1_000;

  private final String flow;
  private final String queue;
  private final TaskOptions options;

  /** Retries of {@code flow}'s tasks from {@code queue}. */
  public Retries(String flow, String queue, TaskOptions options) {
    this.flow = flow;
    this.queue = queue;
    this.options = options;
  }

  /**
   * Where a failed task goes next.
   *
   * @param queue the queue to publish it to
   * @param headers its headers there
   * @param deadLetter whether it is dead-lettered (else retried)
   */
  public record Next(String queue, Map<String, Object> headers, boolean deadLetter) {}

  /**
   * The attempt a delivery is, from its headers: failed attempts so far plus one. The header may
   * come from another producer with any AMQP type: numbers, and whole numbers as text or bytes, are
   * read as a count clamped to 0..{@code Integer.MAX_VALUE - 1} (a huge count dead-letters at once,
   * a negative one cannot buy endless retries); anything else counts as no failed attempt.
   */
  public static int attemptOf(Map<String, Object> headers) {
    Object failed = headers == null ? null : headers.get(DeadLetterHeaders.ATTEMPTS);
    long count;
    if (failed instanceof Number number) {
      count = number.longValue();
    } else {
      String text = failed == null ? "" : text(failed).trim();
      if (!WHOLE_NUMBER.matcher(text).matches()) {
        return 1;
      }
      count =
          text.length() > 18 ? (text.startsWith("-") ? 0 : Long.MAX_VALUE) : Long.parseLong(text);
    }
    return (int) Math.min(Math.max(count, 0), Integer.MAX_VALUE - 1) + 1;
  }

  /**
   * Where a task goes after attempt {@code attempt} failed with {@code error}: a transient failure
   * goes back after a growing delay without counting the attempt; an undecodable or permanent one
   * is dead-lettered at once; any other is retried until the attempts are used up.
   */
  public Next after(int attempt, Exception error, Map<String, Object> original) {
    if (error instanceof TransientException) {
      return afterTransient(attempt, error, original);
    }
    boolean undecodable = error instanceof FormatException;
    boolean deadLetter =
        undecodable || error instanceof PermanentException || attempt >= options.maxAttempts();
    Map<String, Object> headers = new HashMap<>(original == null ? Map.of() : original);
    headers.put(DeadLetterHeaders.ERROR_CLASS, error.getClass().getName());
    headers.put(DeadLetterHeaders.ERROR_MESSAGE, truncate(String.valueOf(error.getMessage())));
    headers.put(DeadLetterHeaders.ERROR_STAGE, undecodable ? "decode" : "process");
    headers.put(DeadLetterHeaders.FLOW, flow);
    headers.put(DeadLetterHeaders.ATTEMPTS, Integer.toString(attempt));
    headers.put(DeadLetterHeaders.SOURCE_TOPIC, queue);
    String target =
        deadLetter
            ? queue + Queue.DEAD_LETTER_SUFFIX
            : Topology.delayQueue(queue, options.backoffAfter(attempt));
    return new Next(target, headers, deadLetter);
  }

  private Next afterTransient(int attempt, Exception error, Map<String, Object> original) {
    Map<String, Object> headers = new HashMap<>(original == null ? Map.of() : original);
    int transients = transientsOf(headers) + 1;
    headers.put(DeadLetterHeaders.ERROR_CLASS, error.getClass().getName());
    headers.put(DeadLetterHeaders.ERROR_MESSAGE, truncate(String.valueOf(error.getMessage())));
    headers.put(DeadLetterHeaders.ATTEMPTS, Integer.toString(attempt - 1)); // not counted
    headers.put(DeadLetterHeaders.TRANSIENT_RETRIES, Integer.toString(transients));
    String target = Topology.delayQueue(queue, options.transientBackoff(transients));
    return new Next(target, headers, false);
  }

  /** Transient failures so far, from the header (0 if absent or not a whole number). */
  private static int transientsOf(Map<String, Object> headers) {
    Object value = headers.get(DeadLetterHeaders.TRANSIENT_RETRIES);
    String text = value == null ? "" : text(value).trim();
    if (!WHOLE_NUMBER.matcher(text).matches() || text.length() > 9) {
      return 0;
    }
    return Math.max(0, Integer.parseInt(text));
  }

  private static String truncate(String message) {
    return message.length() <= MAX_MESSAGE_LENGTH
        ? message
        : message.substring(0, MAX_MESSAGE_LENGTH);
  }

  /** A header value as text, whatever AMQP type carried it. */
  public static String text(Object value) {
    if (value instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    if (value instanceof LongString s) {
      return new String(s.getBytes(), StandardCharsets.UTF_8);
    }
    return value == null ? null : value.toString();
  }
}
