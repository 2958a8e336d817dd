package dev.docket;

/** Whether the principal that submitted a job may decide its approval request. */
public enum SelfApproval {
  /** The requester may not decide its own request, whatever its roles (the default). */
  FORBIDDEN,
  /** The requester may decide its own request when its roles allow deciding at all. */
  ALLOWED
}
