package dev.flows.examples;

import dev.flows.FlowsException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Posts sample words to the HTTP adapter of the demo, as a client of {@code flows-word-adapter}
 * would.
 */
final class AdapterClient {
  private AdapterClient() {}

  static void post(int port, String word, int times, PrintStream out) {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + WordAdapter.PATH))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"" + word + "\"}"))
            .build();
    for (int i = 0; i < times; i++) {
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        out.printf(
            "POST %s {\"message\":\"%s\"} -> %d %s%n",
            WordAdapter.PATH, word, response.statusCode(), response.body());
      } catch (IOException e) {
        throw new FlowsException("the demo could not post to the adapter: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FlowsException("interrupted while posting to the adapter", e);
      }
    }
  }
}
