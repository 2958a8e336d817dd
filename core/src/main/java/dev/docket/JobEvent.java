package dev.docket;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a job's history: a state change.
 *
 * @param jobId the job
 * @param at when it happened
 * @param from the previous state; empty for the job's creation
 * @param to the new state
 * @param by the principal's id, or {@code system} for the engine's own transitions
 * @param detail a short free text (error type, "retry in PT2S", "cancel requested"), possibly empty
 */
public record JobEvent(
    JobId jobId, Instant at, Optional<JobStatus> from, JobStatus to, String by, String detail) {

  public JobEvent {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(by, "by");
    detail = detail == null ? "" : detail;
  }
}
