package dev.flows.internal.runtime;

import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.internal.trace.BatchTrace;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.Sink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Tracks the sends of one batch until the broker acknowledged each. Separates errors of a single
 * record (which the batch dead-letters) from broker failures (which fail the batch). The one place
 * a batch's outputs and dead letters leave: each carries the trace context of its record's span, or
 * of the batch's, in place of the one its source record carried.
 */
final class BatchAcks {
  /** A send that failed because of the record itself. */
  record RejectedSend(Message<byte[], byte[]> source, Exception error) {}

  private final Delivery delivery;
  private final Sink sink;
  private final Cancellation cancellation;
  private final BatchTrace trace;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicReference<Exception> brokerFailure = new AtomicReference<>();
  private final Queue<RejectedSend> rejected = new ConcurrentLinkedQueue<>();
  private final Map<Message<byte[], byte[]>, RejectedSend> refusedBefore =
      Collections.synchronizedMap(new IdentityHashMap<>());
  private final Object done = new Object();

  BatchAcks(Delivery delivery, Cancellation cancellation, BatchTrace trace) {
    this.delivery = delivery;
    this.sink = delivery.sink();
    this.cancellation = cancellation;
    this.trace = trace;
  }

  /** The batch's trace, which starts the spans of its records. */
  BatchTrace trace() {
    return trace;
  }

  /**
   * Sends {@code record}, produced from {@code source}; if the broker refused an output of {@code
   * source} in an earlier try of this batch, sends nothing and dead-letters {@code source} at
   * {@link #settle}.
   */
  void send(OutgoingRecord record, Message<byte[], byte[]> source) {
    cancellation.check("publish to", record.topic());
    Exception earlier = delivery.refusedBefore(source);
    if (earlier != null) {
      refusedBefore.putIfAbsent(source, new RejectedSend(source, earlier));
      return;
    }
    publish(record, source);
  }

  private void publish(OutgoingRecord record, Message<byte[], byte[]> source) {
    pending.incrementAndGet();
    try {
      sink.send(traced(record, source), error -> completed(error, source));
    } catch (RuntimeException e) {
      completed(e, source);
    }
  }

  private OutgoingRecord traced(OutgoingRecord record, Message<byte[], byte[]> source) {
    Headers headers = trace.stamp(record.headers(), source);
    return headers == record.headers()
        ? record
        : new OutgoingRecord(
            record.topic(), record.key(), record.value(), headers, record.timestamp());
  }

  private void completed(Exception error, Message<byte[], byte[]> source) {
    if (error != null) {
      if (sink.isRecordError(error)) {
        rejected.add(new RejectedSend(source, error));
      } else {
        brokerFailure.compareAndSet(null, error);
      }
    }
    if (pending.decrementAndGet() == 0) {
      synchronized (done) {
        done.notifyAll();
      }
    }
  }

  /**
   * Flushes and waits until every send completed. Returns the sends rejected for their record;
   * throws {@link PublishFailedException} if the broker failed or did not answer within {@code
   * timeout}.
   */
  List<RejectedSend> await(Duration timeout) {
    sink.flush();
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (done) {
      while (pending.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new PublishFailedException(
              pending.get() + " sends not acknowledged within " + timeout, null);
        }
        waitOn(left);
      }
    }
    Exception failure = brokerFailure.get();
    if (failure != null) {
      throw new PublishFailedException("publishing failed: " + failure.getMessage(), failure);
    }
    List<RejectedSend> result = new ArrayList<>(rejected);
    rejected.clear();
    return result;
  }

  /**
   * Awaits every send, dead-letters records the broker rejected for their own sake, and awaits
   * those too. Throws {@link PublishFailedException} if even the dead letters are rejected.
   */
  void settle(Failures failures, Duration timeout) {
    List<RejectedSend> refused;
    try {
      refused = await(timeout);
    } catch (PublishFailedException e) {
      if (!rejected.isEmpty()) { // a transaction's later sends fail because of them
        delivery.refused(List.copyOf(rejected));
      }
      throw e;
    }
    if (!refused.isEmpty() && !delivery.refused(refused)) {
      throw new PublishFailedException(
          refused.size()
              + " record(s) refused by the broker spoiled the transaction; the batch is tried"
              + " again with them dead-lettered",
          refused.get(0).error());
    }
    refused.addAll(refusedBefore.values());
    for (RejectedSend rejected : refused) {
      cancellation.check("dead-letter a refused record");
      publish(
          failures.deadLetter(rejected.source(), rejected.error(), 1, DeadLetters.Stage.PUBLISH),
          rejected.source());
    }
    List<RejectedSend> again = await(timeout);
    if (!again.isEmpty()) {
      throw new PublishFailedException(
          "the dead-letter topic rejected a record", again.get(0).error());
    }
  }

  private void waitOn(long nanos) {
    try {
      TimeUnit.NANOSECONDS.timedWait(done, nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishFailedException("interrupted while awaiting acknowledgements", e);
    }
  }
}
