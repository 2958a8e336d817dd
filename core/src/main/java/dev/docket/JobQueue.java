package dev.docket;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The job queue, as seen by one caller ({@link Docket#jobs()} for trusted host code, {@link
 * Docket#as(Principal)} for a scoped caller). A caller sees and changes only its own jobs unless it
 * has the {@link Role#ADMIN} role; others' jobs are reported as not found. Thread-safe.
 */
public interface JobQueue {

  /**
   * Submits one job; it is durable when this returns. With a {@link JobRequest#jobId()} that the
   * same caller already used, returns the existing job and enqueues nothing.
   *
   * @throws InvalidRequestException naming the field that broke a rule; nothing is stored
   * @throws JobIdConflictException when another owner already uses the job id
   * @throws AccessDeniedException when the caller has neither the user nor the admin role
   */
  Job submit(JobRequest request);

  /**
   * Submits one job like {@link #submit}, and says whether this call created it or a job with the
   * same client-chosen id already existed (then nothing was enqueued). Race-free: of concurrent
   * identical submits exactly one reports {@link Submission#created()}.
   *
   * @throws InvalidRequestException naming the field that broke a rule; nothing is stored
   * @throws JobIdConflictException when another owner already uses the job id
   */
  Submission submitIfAbsent(JobRequest request);

  /**
   * Submits several jobs at once: all are stored or, on any error, none.
   *
   * @return the jobs in request order (existing ones for repeated ids)
   */
  List<Job> submitAll(List<JobRequest> requests);

  /**
   * The job with this id.
   *
   * @throws JobNotFoundException when it does not exist or the caller may not see it
   */
  Job get(JobId id);

  /** The job with this id, if it exists and the caller may see it. */
  Optional<Job> find(JobId id);

  /**
   * Cancels a job. A job that waits (scheduled, queued, awaiting approval) is cancelled at once; a
   * running one is asked to stop ({@link Job#cancelRequested()}), becomes cancelled when its
   * handler returns, and is interrupted when it ignores the request past the grace period.
   *
   * @return the job after the request
   * @throws IllegalJobStateException when the job is already finished
   * @throws JobNotFoundException when it does not exist or the caller may not see it
   */
  Job cancel(JobId id);

  /**
   * Puts a failed or cancelled job back in the queue with a fresh attempt count.
   *
   * @throws IllegalJobStateException from any other state
   * @throws JobNotFoundException when it does not exist or the caller may not see it
   */
  Job retry(JobId id);

  /** The first page of the caller's jobs that match, newest first. */
  default Page<Job> list(JobFilter filter, int limit) {
    return list(filter, Optional.empty(), limit);
  }

  /** The page after {@code cursor}. */
  default Page<Job> list(JobFilter filter, Cursor cursor, int limit) {
    return list(filter, Optional.of(cursor), limit);
  }

  /**
   * A page of the caller's jobs that match, newest first.
   *
   * @throws InvalidRequestException naming {@code limit} outside 1..500
   */
  Page<Job> list(JobFilter filter, Optional<Cursor> cursor, int limit);

  /** The first page of the caller's jobs of one correlation group, newest first. */
  default Page<Job> byCorrelation(String correlationId, int limit) {
    return list(JobFilter.all().correlationId(correlationId), Optional.empty(), limit);
  }

  /** The page of a correlation group after {@code cursor}. */
  default Page<Job> byCorrelation(String correlationId, Cursor cursor, int limit) {
    return list(JobFilter.all().correlationId(correlationId), Optional.of(cursor), limit);
  }

  /**
   * Unfinished jobs per queue, counting only the caller's own unless it is admin. Queues with no
   * unfinished job are absent.
   */
  Map<String, QueueDepth> depth();

  /** Unfinished jobs of one queue (zeros when it has none). */
  QueueDepth depth(String queue);

  /**
   * The job's history, oldest first.
   *
   * @throws JobNotFoundException when it does not exist or the caller may not see it
   */
  List<JobEvent> events(JobId id);
}
