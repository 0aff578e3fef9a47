package dev.flows.examples;

import static dev.flows.format.Formats.json;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.KeyValue;

/**
 * The seed's HTTP adapter: {@code POST /adapter} with {@code {"message": "apple"}} writes the word
 * to topic {@code word} (key and value the message), answering 202 once the broker acknowledged it,
 * 400 for a body that is not such JSON. Served on the runtime's admin port.
 */
public final class WordAdapter {
  /** The request body. */
  public record WordRequest(String message) {}

  /** Where the adapter listens. */
  public static final String PATH = "/adapter";

  private WordAdapter() {}

  /** {@code flows-word-adapter}. */
  public static Flow flow() {
    return Flows.http("flows-word-adapter")
        .post(PATH, json(WordRequest.class))
        .map(request -> KeyValue.of(request.message(), request.message()))
        .to(WordRemap.WORD);
  }
}
