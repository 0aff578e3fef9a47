package dev.flows.internal.runtime;

import dev.flows.FlowDefinitionException;
import dev.flows.internal.admin.PostRoute;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The http flows' routes of one runtime: each needs the admin server, and a path of its own. */
public final class HttpRoutes {
  private HttpRoutes() {}

  /**
   * Throws {@link FlowDefinitionException} if a flow serves a route but there is no admin port to
   * serve it on, or two flows serve one path.
   */
  public static void validate(List<RunningFlow> flows, Integer adminPort) {
    Map<String, String> flowByPath = new HashMap<>();
    for (RunningFlow flow : flows) {
      Optional<PostRoute> route = flow.route();
      if (route.isEmpty()) {
        continue;
      }
      String name = flow.flow().name();
      if (adminPort == null) {
        throw FlowDefinitionException.of(
            "adminPort",
            null,
            "is missing for http flow " + name + ", whose route is served on it",
            "call .adminPort(port) on the runtime builder, e.g. with FLOWS_HTTP_PORT"
                + " (FlowsConfig.httpPort())");
      }
      String other = flowByPath.putIfAbsent(route.get().path(), name);
      if (other != null) {
        throw FlowDefinitionException.of(
            "path",
            route.get().path(),
            "is served by both http flows " + other + " and " + name,
            "give each http flow of a runtime its own path");
      }
    }
  }
}
