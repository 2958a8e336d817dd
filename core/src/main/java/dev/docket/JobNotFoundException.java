package dev.docket;

/**
 * No job with this id exists, or the caller may not see it (the two are deliberately
 * indistinguishable so that ids of others' jobs leak nothing).
 */
public final class JobNotFoundException extends DocketException {

  private final JobId jobId;

  public JobNotFoundException(JobId jobId) {
    super("job " + jobId + " not found");
    this.jobId = jobId;
  }

  public JobId jobId() {
    return jobId;
  }
}
