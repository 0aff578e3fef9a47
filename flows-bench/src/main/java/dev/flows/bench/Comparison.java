package dev.flows.bench;

/**
 * A ratio the report computes from rows of one run: {@code contender / peer} records per second,
 * with the goal it is held against.
 *
 * @param scenario the scenario of both rows
 * @param contender the Flows row
 * @param peer the row it is compared to
 * @param goal the least acceptable ratio
 */
record Comparison(String scenario, String contender, String peer, double goal) {}
