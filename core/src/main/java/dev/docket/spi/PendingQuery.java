package dev.docket.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * Which pending requests a caller may decide.
 *
 * @param namedApprover only requests naming this principal among their approvers; empty: all
 * @param notRequestedBy leave out the requests this principal made; empty: leave out none
 */
public record PendingQuery(Optional<String> namedApprover, Optional<String> notRequestedBy) {

  public PendingQuery {
    Objects.requireNonNull(namedApprover, "namedApprover");
    Objects.requireNonNull(notRequestedBy, "notRequestedBy");
  }

  /** Every pending request. */
  public static PendingQuery all() {
    return new PendingQuery(Optional.empty(), Optional.empty());
  }
}
