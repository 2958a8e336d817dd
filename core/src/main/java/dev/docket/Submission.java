package dev.docket;

import java.util.Objects;

/**
 * What a submit did: the job, and whether this call created it (false when a job with the
 * request's client-chosen id already existed and was returned instead, nothing enqueued).
 *
 * @param job the job after the submit
 * @param created whether this call stored it
 */
public record Submission(Job job, boolean created) {

  public Submission {
    Objects.requireNonNull(job, "job");
  }
}
