package dev.docket;

import java.util.Locale;

/** Where an approval request stands. Only {@link #PENDING} may change, and only once. */
public enum ApprovalStatus {
  /** Waiting for a decision; its job is {@link JobStatus#AWAITING_APPROVAL}. */
  PENDING,
  /** Approved: its job went to the queue. */
  APPROVED,
  /** Rejected: its job is {@link JobStatus#REJECTED}. */
  REJECTED,
  /** Nobody decided in time: its job is {@link JobStatus#EXPIRED}. */
  EXPIRED,
  /** Its job was cancelled while waiting. */
  CANCELLED;

  /** Whether the request was decided or closed. */
  public boolean isClosed() {
    return this != PENDING;
  }

  /** The lower-case wire name ({@code pending}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
