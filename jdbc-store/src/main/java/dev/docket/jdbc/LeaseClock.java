package dev.docket.jdbc;

/** Whose clock measures leases. */
public enum LeaseClock {
  /**
   * The database's clock (the default): nodes with skewed clocks cannot take over each other's
   * jobs early or late.
   */
  DATABASE,
  /** The engine's {@link java.time.Clock}: for tests that move time by hand. */
  ENGINE
}
