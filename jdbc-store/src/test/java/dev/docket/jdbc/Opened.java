package dev.docket.jdbc;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test opened (engines, pools), closed last first after it, so an engine closes before its
 * pool. Every resource is closed even when one fails; the first failure is thrown, the others
 * suppressed on it. Empty again once closed.
 */
final class Opened implements AutoCloseable {
  private final List<AutoCloseable> open = new ArrayList<>();

  <T extends AutoCloseable> T add(T resource) {
    open.add(resource);
    return resource;
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
