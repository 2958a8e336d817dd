package dev.docket;

/**
 * Thrown by {@link JobContext#checkCancelled()} inside a handler whose job was cancelled, so that
 * the handler can unwind. The engine records the attempt as cancelled, not failed.
 */
public final class JobCancelledException extends DocketException {

  private final JobId jobId;

  public JobCancelledException(JobId jobId) {
    super("job " + jobId + " was cancelled");
    this.jobId = jobId;
  }

  public JobId jobId() {
    return jobId;
  }
}
