package dev.flows.internal.runtime;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.internal.plan.HttpPlan;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The build-time checks of a runtime's http flows: they need the admin port, and paths of their
 * own.
 */
public final class HttpRoutes {
  private HttpRoutes() {}

  /**
   * Throws {@link FlowDefinitionException} if an http flow has no admin port to be served on, or
   * shares a path.
   */
  public static void validate(List<Flow> flows, Integer adminPort) {
    Map<String, String> flowByPath = new HashMap<>();
    for (Flow flow : flows) {
      if (!(flow instanceof HttpPlan http)) {
        continue;
      }
      if (adminPort == null) {
        throw FlowDefinitionException.of(
            "adminPort",
            null,
            "is missing for http flow " + flow.name() + ", whose route is served on it",
            "call .adminPort(port) on the runtime builder, e.g. with FLOWS_HTTP_PORT (FlowsConfig.httpPort())");
      }
      String other = flowByPath.putIfAbsent(http.path(), flow.name());
      if (other != null) {
        throw FlowDefinitionException.of(
            "path",
            http.path(),
            "is served by both http flows " + other + " and " + flow.name(),
            "give each http flow of a runtime its own path");
      }
    }
  }
}
