package dev.flows.dsl;

/** The start of a join: name the intermediate topic its merge step writes to. */
public interface JoinBuilder {
  /** Source records are merged onto {@code intermediateTopic}, keyed by persistence id. */
  JoinVia through(String intermediateTopic);
}
