package dev.docket;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a list.
 *
 * @param items the items of this page, possibly empty
 * @param next the cursor of the next page; empty on the last page
 */
public record Page<T>(List<T> items, Optional<Cursor> next) {

  /** Smallest page size a list accepts. */
  public static final int MIN_LIMIT = 1;
  /** Largest page size a list accepts. */
  public static final int MAX_LIMIT = 500;
  /** Page size used when the caller gives none. */
  public static final int DEFAULT_LIMIT = 50;

  public Page {
    items = List.copyOf(items);
    Objects.requireNonNull(next, "next");
  }

  /** Whether another page follows. */
  public boolean hasNext() {
    return next.isPresent();
  }

  /**
   * Checks a page size.
   *
   * @throws InvalidRequestException naming {@code limit} outside {@value #MIN_LIMIT}..{@value
   *     #MAX_LIMIT}
   */
  public static int checkLimit(int limit) {
    if (limit < MIN_LIMIT || limit > MAX_LIMIT) {
      throw new InvalidRequestException(
          "limit", "must be within " + MIN_LIMIT + ".." + MAX_LIMIT + ", was " + limit);
    }
    return limit;
  }
}
