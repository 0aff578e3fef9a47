package dev.flows.internal.plan;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.HttpOptions;
import dev.flows.KeyValue;
import dev.flows.Topic;
import dev.flows.dsl.HttpBuilder;
import dev.flows.dsl.HttpOutput;
import dev.flows.dsl.HttpRoute;
import dev.flows.dsl.ValueMapper;
import dev.flows.format.Format;
import java.util.Objects;
import java.util.regex.Pattern;

/** The immutable steps of an http chain, and the validation of its path. */
public final class HttpSteps {
  private static final Pattern LEGAL_PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+|/");

  private HttpSteps() {}

  /** The start of an http chain for a validated name. */
  public static HttpBuilder start(String name, HttpOptions options) {
    return new HttpBuilder() {
      @Override
      public <T> HttpRoute<T> post(String path, Format<T> requestFormat) {
        if (requestFormat == null) {
          throw FlowDefinitionException.of(
              "requestFormat",
              null,
              "is missing",
              "pass the body's format, e.g. json(Request.class)");
        }
        return new Route<>(name, options, validatePath(path), requestFormat);
      }
    };
  }

  /**
   * Returns {@code path} if it is a legal route path; throws naming the rule it breaks otherwise.
   */
  static String validatePath(String path) {
    if (path == null || !path.startsWith("/")) {
      throw FlowDefinitionException.of("path", path, "must start with '/'", "use e.g. '/adapter'");
    }
    if (!LEGAL_PATH.matcher(path).matches()) {
      throw FlowDefinitionException.of(
          "path",
          path,
          "must be segments of [A-Za-z0-9._~-] separated by single '/'",
          "leave out query strings, spaces, empty segments and the trailing '/', e.g. '/orders/import'");
    }
    if (path.equals("/metrics")
        || path.startsWith("/metrics/")
        || path.equals("/health")
        || path.startsWith("/health/")) {
      throw FlowDefinitionException.of(
          "path",
          path,
          "is reserved for the admin endpoints",
          "choose another path, e.g. '/adapter'");
    }
    return path;
  }

  private record Route<T>(String name, HttpOptions options, String path, Format<T> format)
      implements HttpRoute<T> {
    @Override
    public <K, V> HttpOutput<K, V> map(
        ValueMapper<? super T, ? extends KeyValue<? extends K, ? extends V>> mapper) {
      return new Output<>(this, Objects.requireNonNull(mapper, "mapper"));
    }
  }

  private record Output<K, V>(Route<?> route, ValueMapper<?, ?> mapper)
      implements HttpOutput<K, V> {
    @Override
    public Flow to(Topic<? super K, ? super V> topic) {
      Objects.requireNonNull(topic, "topic");
      return new HttpPlan(
          route.name(), route.options(), route.path(), route.format(), mapper, topic);
    }
  }
}
