package dev.docket;

import java.util.Objects;

/**
 * An approval request was already decided (or expired, or its job was cancelled): a request is
 * decided once, and the second decision, even one racing from another node, gets this.
 */
public final class ApprovalConflictException extends DocketException {

  private final ApprovalId requestId;
  private final ApprovalStatus current;

  public ApprovalConflictException(ApprovalId requestId, ApprovalStatus current) {
    super(
        "approval request "
            + Objects.requireNonNull(requestId, "requestId")
            + " is already "
            + current.wireName()
            + "; a request is decided once");
    this.requestId = requestId;
    this.current = current;
  }

  public ApprovalId requestId() {
    return requestId;
  }

  /** The state the request is in. */
  public ApprovalStatus current() {
    return current;
  }
}
