package dev.docket;

import java.time.Instant;
import java.util.Objects;

/**
 * How an approval request was closed: by whom, when and why.
 *
 * @param status the closing state (never {@link ApprovalStatus#PENDING})
 * @param by the deciding principal's id, or {@code system} for an expiry
 * @param at when it was decided
 * @param note the approver's note or the rejection reason, possibly empty
 */
public record Decision(ApprovalStatus status, String by, Instant at, String note) {

  /** Longest note or reason accepted. */
  public static final int MAX_NOTE = 2_000;

  public Decision {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(by, "by");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(note, "note");
    if (status == ApprovalStatus.PENDING) {
      throw new IllegalArgumentException("a decision closes a request; PENDING is not one");
    }
  }
}
