package dev.docket;

/**
 * A client-chosen job id is already used by another owner. The message says nothing about that
 * job. (Submitting the same id again as the same owner is not an error: it returns the existing
 * job.)
 */
public final class JobIdConflictException extends DocketException {

  private final JobId jobId;

  public JobIdConflictException(JobId jobId) {
    super("jobId: " + jobId + " is already taken; choose another id");
    this.jobId = jobId;
  }

  public JobId jobId() {
    return jobId;
  }
}
