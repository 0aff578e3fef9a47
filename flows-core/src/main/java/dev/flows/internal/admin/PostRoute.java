package dev.flows.internal.admin;

import static dev.flows.internal.Json.quote;

import dev.flows.Headers;
import java.util.Objects;

/**
 * A POST route served on the admin port besides the admin endpoints: what an http flow adds to the
 * admin server. The checks of {@link #answer} are shared by the server and the test driver, so both
 * answer a request the same way.
 *
 * @param path the exact path served
 * @param maxBodyBytes the largest body accepted
 * @param handler answers an accepted body
 */
public record PostRoute(String path, int maxBodyBytes, Handler handler) {

  /** Validates the parts. */
  public PostRoute {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(handler, "handler");
  }

  /** The request header a client sets so its retries are published once: {@value}. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  /** Answers the body of a POST to the route; called on a route thread, concurrently. */
  @FunctionalInterface
  public interface Handler {
    /**
     * The response to {@code body}, sent with {@code idempotencyKey} ({@code null}: none) and the
     * request's {@code headers} (names in lower case), which may carry trace context; never throws
     * for bad input, which it answers with a 4xx.
     */
    Response post(byte[] body, String idempotencyKey, Headers headers);
  }

  /**
   * A response: a status and a JSON body.
   *
   * @param status the HTTP status
   * @param json the body, or {@code null} for none
   */
  public record Response(int status, String json) {
    /** {@code status} with the body {@code {"error": reason}}. */
    public static Response error(int status, String reason) {
      return new Response(status, "{\"error\":" + quote(String.valueOf(reason)) + "}");
    }
  }

  /**
   * The answer before the body is read: 404, 405 or 413 (a declared length over the limit), else
   * {@code null}.
   */
  public Response check(String method, String requestPath, long declaredLength) {
    if (!path.equals(requestPath)) {
      return Response.error(404, "no route " + requestPath);
    }
    if (!"POST".equals(method)) {
      return Response.error(405, "method " + method + " is not allowed on " + path + ": use POST");
    }
    if (declaredLength > maxBodyBytes) {
      return Response.error(
          413, "the body has " + declaredLength + " bytes, more than the limit of " + maxBodyBytes);
    }
    return null;
  }

  /**
   * The answer to a request with {@code idempotencyKey} ({@code null}: none) and {@code headers}:
   * the answer of {@link #check}, or of the handler.
   */
  public Response answer(
      String method, String requestPath, byte[] body, String idempotencyKey, Headers headers) {
    Response refused = check(method, requestPath, body.length);
    return refused != null ? refused : handler.post(body, idempotencyKey, headers);
  }
}
