package dev.docket.jdbc;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test opened (engines, pools, PostgreSQL tables), closed last first after it, so an engine
 * closes before its pool and its tables are dropped last. Every resource is closed even when one
 * fails; the first failure is thrown, the others suppressed on it. Empty again once closed. As a
 * field with {@code @RegisterExtension} it closes after each test by itself.
 */
final class Opened implements AutoCloseable, AfterEachCallback {
  private final List<AutoCloseable> open = new ArrayList<>();

  <T extends AutoCloseable> T add(T resource) {
    open.add(resource);
    return resource;
  }

  /**
   * A fresh table prefix on the test database, its tables dropped when this closes: after what is
   * added later (the engines and pools that use them), when called before those are added.
   */
  String newTablePrefix() {
    String prefix = PostgresDatabase.newPrefix();
    add(() -> PostgresDatabase.dropTables(prefix));
    return prefix;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    close();
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    open.clear();
    if (first != null) {
      throw first;
    }
  }
}
