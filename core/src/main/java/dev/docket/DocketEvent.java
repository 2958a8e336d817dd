package dev.docket;

import java.util.Objects;

/** What a {@link DocketListener} hears about. New kinds may be added in later versions. */
public sealed interface DocketEvent {

  /**
   * A job changed: a state transition, or a note in its history such as a cancel request.
   *
   * @param job the job after the change
   * @param event the history entry written for it
   */
  record JobChanged(Job job, JobEvent event) implements DocketEvent {
    public JobChanged {
      Objects.requireNonNull(job, "job");
      Objects.requireNonNull(event, "event");
    }
  }

  /**
   * A running handler reported progress.
   *
   * @param jobId the job
   * @param percent 0 to 100
   * @param message the handler's note
   */
  record JobProgress(JobId jobId, int percent, String message) implements DocketEvent {
    public JobProgress {
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * An approval request was created or closed (approved, rejected, expired or cancelled). The
   * job's own change is reported separately as {@link JobChanged}.
   *
   * @param request the request after the change
   */
  record ApprovalChanged(ApprovalRequest request) implements DocketEvent {
    public ApprovalChanged {
      Objects.requireNonNull(request, "request");
    }
  }
}
