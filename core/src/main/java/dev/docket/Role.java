package dev.docket;

/** What a {@link Principal} may do. */
public enum Role {
  /** Submit jobs and see, cancel and retry its own. */
  USER,
  /** Decide approval requests it may see. */
  APPROVER,
  /** See and act on everyone's objects, and use the admin operations. */
  ADMIN
}
