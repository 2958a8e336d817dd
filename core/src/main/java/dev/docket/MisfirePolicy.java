package dev.docket;

/**
 * What a scheduled task does about fire times it missed while no engine ran (downtime, a paused
 * cluster). Never a burst: at most one fire covers a whole missed window.
 */
public enum MisfirePolicy {
  /** Fire once for the missed window as soon as an engine runs again (the default). */
  FIRE_ONCE,
  /** Skip the missed window and wait for the next fire time. */
  SKIP
}
