package dev.docket;

import org.jspecify.annotations.Nullable;

/**
 * A transition was asked for that the job's current state does not allow (for example cancelling
 * a job that already succeeded). See {@link JobStatus#canTransitionTo(JobStatus)}.
 */
public final class IllegalJobStateException extends DocketException {

  private final JobId jobId;
  private final @Nullable JobStatus from;
  private final JobStatus to;

  public IllegalJobStateException(JobId jobId, @Nullable JobStatus from, JobStatus to) {
    super(
        "job "
            + jobId
            + " cannot go from "
            + (from == null ? "(new)" : from)
            + " to "
            + to
            + (from == null
                ? ""
                : "; allowed from " + from + ": " + (from.next().isEmpty() ? "none (terminal)" : from.next())));
    this.jobId = jobId;
    this.from = from;
    this.to = to;
  }

  /** The same, with the rule that was broken spelled out. */
  public IllegalJobStateException(JobId jobId, JobStatus from, JobStatus to, String rule) {
    super("job " + jobId + " cannot go from " + from + " to " + to + ": " + rule);
    this.jobId = jobId;
    this.from = from;
    this.to = to;
  }

  public JobId jobId() {
    return jobId;
  }

  /** The state the job was in; {@code null} only for an illegal initial state. */
  public @Nullable JobStatus from() {
    return from;
  }

  public JobStatus to() {
    return to;
  }
}
