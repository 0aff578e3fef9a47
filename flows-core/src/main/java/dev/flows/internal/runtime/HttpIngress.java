package dev.flows.internal.runtime;

import dev.flows.FormatException;
import dev.flows.Headers;
import dev.flows.HttpOptions;
import dev.flows.KeyValue;
import dev.flows.internal.admin.PostRoute;
import dev.flows.internal.admin.PostRoute.Response;
import dev.flows.internal.plan.HttpPlan;
import dev.flows.internal.trace.FlowTracer;
import dev.flows.internal.trace.Trace;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.Sink;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests of an http flow: decode the body (else 400), map it with the user's function
 * once (else 422), send the record and wait for the broker's acknowledgement (202, else 503); a
 * request whose {@code Idempotency-Key} was published within the window is answered 202 without
 * publishing. The runtime's admin server and the test driver both answer through it. Thread-safe:
 * requests run concurrently on the route pool, and share the runtime's sink. Each request is one
 * span, a child of the span context its headers carry; the record published carries the span.
 */
public final class HttpIngress implements PostRoute.Handler {
  private static final Logger LOG = LoggerFactory.getLogger(HttpIngress.class);

  private final HttpPlan plan;
  private final Sink sink;
  private final FlowMetrics metrics;
  private final FlowTracer tracer;
  private final UserCode userCode;
  private static final Pattern VALID_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
  private static final String HTTP_STATUS = "http.response.status_code";

  private final IdempotencyKeys keys;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Object idle = new Object();
  private volatile boolean closed;

  /** Answers requests for {@code plan}, publishing to {@code sink}. */
  public HttpIngress(HttpPlan plan, Sink sink, FlowMetrics metrics, FlowTracer tracer) {
    this.plan = plan;
    this.sink = sink;
    this.metrics = metrics;
    this.tracer = tracer;
    Duration window = plan.httpOptions().idempotencyWindow();
    this.keys = window.isZero() ? null : new IdempotencyKeys(window, System::nanoTime);
    // one attempt: the client decides about retries, and holding a request thread for backoffs
    // helps nobody
    this.userCode =
        new UserCode(plan.options().errorPolicy().withMaxAttempts(1), Sleeper.NONE, metrics);
  }

  /** The route to serve. */
  public PostRoute route() {
    return new PostRoute(plan.path(), plan.httpOptions().maxBodyBytes(), this);
  }

  @Override
  public Response post(byte[] body, String idempotencyKey, Headers headers) {
    inFlight.incrementAndGet();
    Trace trace = tracer.request(plan.path(), headers);
    Trace.Scope current = trace.enter();
    try {
      Response response =
          closed
              ? Response.error(503, "flow " + plan.name() + " is stopping: retry later")
              : answerOnce(body, idempotencyKey, trace);
      metrics.httpRequest(response.status());
      trace.attribute(HTTP_STATUS, response.status());
      if (response.status() >= 500) {
        trace.failed(response.json());
      }
      return response;
    } finally {
      current.close();
      trace.end();
      if (inFlight.decrementAndGet() == 0) {
        synchronized (idle) {
          idle.notifyAll();
        }
      }
    }
  }

  /**
   * Answers a request, once per {@code Idempotency-Key} within the window: a key acknowledged
   * before is answered 202 again without publishing; a failed request releases its key for the
   * retry.
   */
  private Response answerOnce(byte[] body, String key, Trace trace) {
    if (key == null || keys == null) {
      return answer(body, trace.stamp(Headers.empty()));
    }
    if (!VALID_KEY.matcher(key).matches()) {
      return Response.error(
          400,
          PostRoute.IDEMPOTENCY_KEY
              + " must be 1 to 255 visible ASCII characters, got '"
              + key
              + "'");
    }
    switch (keys.claim(key)) {
      case DONE:
        return new Response(202, "{\"topic\":\"" + plan.topic() + "\",\"duplicate\":true}");
      case IN_FLIGHT:
        return Response.error(
            409, "a request with " + PostRoute.IDEMPOTENCY_KEY + " " + key + " is in flight");
      default:
        Response response =
            answer(
                body, trace.stamp(Headers.empty().with(HttpOptions.IDEMPOTENCY_KEY_HEADER, key)));
        if (response.status() == 202) {
          keys.acknowledged(key);
        } else {
          keys.released(key);
        }
        return response;
    }
  }

  private Response answer(byte[] body, Headers headers) {
    Object request;
    try {
      request = plan.decode(body);
    } catch (FormatException e) {
      return Response.error(400, e.getMessage());
    }
    UserCode.Outcome<KeyValue<?, ?>> outcome;
    try {
      outcome = userCode.run(() -> plan.map(request));
    } catch (TransientFailure e) {
      return Response.error(503, "the service is unavailable, try again later: " + e.getCause());
    }
    if (!outcome.succeeded()) {
      Exception failure = outcome.failure();
      return Response.error(
          422,
          "cannot map the request: "
              + (failure.getMessage() != null ? failure.getMessage() : failure.toString()));
    }
    KeyValue<?, ?> record = outcome.value();
    if (record == null) {
      return Response.error(422, "cannot map the request: the mapping returned no record");
    }
    try {
      return publish(
          new OutgoingRecord(
              plan.topic(), plan.encodeKey(record), plan.encodeValue(record), headers, null));
    } catch (FormatException e) {
      return Response.error(422, "cannot encode the record: " + e.getMessage());
    }
  }

  private Response publish(OutgoingRecord record) {
    try {
      Confirmations.await(ack -> sink.send(record, ack), plan.httpOptions().ackTimeout());
      metrics.recordOut(plan.topic());
      return new Response(202, "{\"topic\":\"" + plan.topic() + "\"}");
    } catch (PublishFailedException e) {
      if (e.getCause() instanceof Exception cause && sink.isRecordError(cause)) {
        return Response.error(422, "the broker refused the record: " + cause.getMessage());
      }
      LOG.warn(
          "flow {}: record for {} not acknowledged, answered 503: {}",
          plan.name(),
          plan.topic(),
          e.getMessage());
      return Response.error(
          503, "the broker did not acknowledge the record (" + e.getMessage() + "): retry later");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Response.error(503, "interrupted while awaiting the broker: retry later");
    }
  }

  /** Refuses further requests with 503 (the flow stops); requests in flight go on. */
  void close() {
    closed = true;
  }

  /** Waits up to {@code timeout} for the requests in flight; whether none is left. */
  boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (idle) {
      while (inFlight.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
    }
    return true;
  }
}
