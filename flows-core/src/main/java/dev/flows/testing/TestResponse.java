package dev.flows.testing;

/**
 * What an http flow answered a request posted through {@link FlowTestDriver#post}: the same status
 * and body the runtime's HTTP server would send.
 *
 * @param status the HTTP status: {@code 202} once the record is on the topic; {@code 400}, {@code
 *     404}, {@code 413} or {@code 422} when the request was refused and nothing was written
 * @param body the JSON body, such as {@code {"error":"..."}} for a refused request
 */
public record TestResponse(int status, String body) {

  /** Whether the status is 2xx: the record was written. */
  public boolean accepted() {
    return status >= 200 && status < 300;
  }
}
