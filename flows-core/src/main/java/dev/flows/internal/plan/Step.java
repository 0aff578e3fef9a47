package dev.flows.internal.plan;

import java.util.function.UnaryOperator;

/**
 * A planned step: its label for descriptions and how it wraps the node that follows it.
 *
 * @param label what {@code describe()} prints, e.g. {@code mapValues}
 * @param wrap builds this step's node around the next one
 */
public record Step(String label, UnaryOperator<Node> wrap) {}
