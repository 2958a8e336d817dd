package dev.docket;

/**
 * No approval request with this id exists, or the caller may not see it (indistinguishable on
 * purpose, so that others' ids leak nothing).
 */
public final class ApprovalNotFoundException extends DocketException {

  private final ApprovalId requestId;

  public ApprovalNotFoundException(ApprovalId requestId) {
    super("approval request " + requestId + " not found");
    this.requestId = requestId;
  }

  public ApprovalId requestId() {
    return requestId;
  }
}
