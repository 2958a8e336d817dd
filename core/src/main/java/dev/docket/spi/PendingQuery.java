package dev.docket.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which pending requests a caller may decide.
 *
 * @param namedApprover only requests naming this principal among their approvers; empty: all
 * @param notRequestedBy leave out the requests this principal made; empty: leave out none
 * @param now leave out requests whose expiry is at or before this instant (not yet swept)
 */
public record PendingQuery(Optional<String> namedApprover, Optional<String> notRequestedBy, Instant now) {

  public PendingQuery {
    Objects.requireNonNull(namedApprover, "namedApprover");
    Objects.requireNonNull(notRequestedBy, "notRequestedBy");
    Objects.requireNonNull(now, "now");
  }

  /** Every pending request not expired at {@code now}. */
  public static PendingQuery all(Instant now) {
    return new PendingQuery(Optional.empty(), Optional.empty(), now);
  }
}
