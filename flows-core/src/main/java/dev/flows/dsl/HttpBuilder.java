package dev.flows.dsl;

import dev.flows.format.Format;

/**
 * The start of an http flow: choose the route it serves. One http flow serves one {@code POST}
 * route on the runtime's admin HTTP port ({@code FLOWS_HTTP_PORT}).
 */
public interface HttpBuilder {
  /**
   * Serves {@code POST} requests on {@code path}, decoding each body with {@code requestFormat}
   * (e.g. {@code json(WordRequest.class)}). The path is validated here: it starts with {@code /},
   * holds only {@code [A-Za-z0-9._~-]} segments (no query string, no empty segment, no trailing
   * {@code /}) and is not an admin path ({@code /health/...}, {@code /metrics}).
   */
  <T> HttpRoute<T> post(String path, Format<T> requestFormat);
}
