package dev.docket.jdbc;

/** Who manages the schema. */
public enum SchemaMode {
  /** The store applies its versioned SQL files at start, under a lock (the default). */
  MIGRATE,
  /**
   * The user applies the same files (Flyway, Liquibase); the store only checks that its tables
   * exist.
   */
  EXTERNAL
}
