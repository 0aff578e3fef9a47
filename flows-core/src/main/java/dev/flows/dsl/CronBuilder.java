package dev.flows.dsl;

/** The start of a cron flow: choose when it fires. */
public interface CronBuilder {
  /**
   * Fires on {@code expression}, in UTC: either a cron expression with seconds ({@code "second
   * minute hour day-of-month month day-of-week"}, e.g. {@code "0/5 * * * * *"}: every five seconds;
   * {@code "0 0 3 * * MON-FRI"}: 03:00 on weekdays; macros such as {@code @hourly}), or {@code
   * "@every <n><ms|s|m|h>"}, e.g. {@code "@every 10s"}. Validated here.
   */
  CronScheduled schedule(String expression);
}
