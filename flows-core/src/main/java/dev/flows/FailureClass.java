package dev.flows;

import java.util.Locale;

/**
 * What a failure of user code means, and so what Flows does with the record (or task) that hit it.
 * An {@link ErrorPolicy} (and {@link TaskOptions}) maps exception types to classes; see {@link
 * FailureClasses}.
 */
public enum FailureClass {
  /** The record can never succeed (bad data): dead-lettered at once, without retries. */
  PERMANENT,
  /**
   * It may succeed on another try: retried with backoff up to the policy's attempts, then
   * dead-lettered. The default for any exception not mapped otherwise.
   */
  RETRYABLE,
  /**
   * Something the code depends on is down (a service, a database): the batch is rewound and retried
   * with capped backoff for as long as it lasts, the flow reports not ready meanwhile, and nothing
   * is dead-lettered; it resumes by itself. A task is put back on its queue without counting the
   * attempt.
   */
  TRANSIENT;

  /**
   * The class as headers and metrics name it: {@code permanent}, {@code retryable}, {@code
   * transient}.
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
