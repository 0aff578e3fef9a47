package dev.flows.internal.cron;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.flows.FlowDefinitionException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a cron flow fires, in UTC. Cron expressions (six fields, seconds first, Spring 5.3 syntax
 * with macros such as {@code @hourly}) are parsed by cron-utils, a maintained library, rather than
 * by hand; {@code @every <n><unit>} is a fixed rate counted from the epoch, so every instance and
 * restart agrees on the firing times.
 */
public final class Schedule {
  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53));
  private static final Pattern EVERY = Pattern.compile("@every\\s+(\\d{1,9})\\s*(ms|s|m|h)");

  private final String expression;
  private final ExecutionTime cron;
  private final Duration every;

  private Schedule(String expression, ExecutionTime cron, Duration every) {
    this.expression = expression;
    this.cron = cron;
    this.every = every;
  }

  /**
   * Parses {@code expression}, or throws {@link FlowDefinitionException} naming the setting and the
   * fix.
   */
  public static Schedule parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw invalid(expression, "is missing");
    }
    String trimmed = expression.trim();
    Matcher m = EVERY.matcher(trimmed.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      return new Schedule(trimmed, null, every(trimmed, Long.parseLong(m.group(1)), m.group(2)));
    }
    if (trimmed.toLowerCase(Locale.ROOT).startsWith("@every")) {
      throw invalid(trimmed, "is not @every <n><ms|s|m|h>");
    }
    try {
      return new Schedule(trimmed, ExecutionTime.forCron(PARSER.parse(trimmed).validate()), null);
    } catch (IllegalArgumentException e) {
      throw invalid(trimmed, "is not a valid cron expression (" + e.getMessage() + ")");
    }
  }

  private static Duration every(String expression, long amount, String unit) {
    Duration d =
        switch (unit) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        };
    if (d.toMillis() < 1) {
      throw invalid(expression, "must be at least one millisecond");
    }
    return d;
  }

  private static FlowDefinitionException invalid(String expression, String problem) {
    return FlowDefinitionException.of(
        "schedule",
        expression,
        problem,
        "use six fields with seconds, e.g. \"0/5 * * * * *\", a macro such as \"@hourly\", or \"@every 10s\"");
  }

  /**
   * The first firing strictly after {@code after}; {@code null} if the schedule never fires again.
   */
  public Instant next(Instant after) {
    if (every != null) {
      long period = every.toMillis();
      return Instant.ofEpochMilli(Math.floorDiv(after.toEpochMilli(), period) * period + period);
    }
    return cron.nextExecution(ZonedDateTime.ofInstant(after, ZoneOffset.UTC))
        .map(ZonedDateTime::toInstant)
        .orElse(null);
  }

  /** The expression as given. */
  @Override
  public String toString() {
    return expression;
  }
}
