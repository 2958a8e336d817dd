package dev.docket;

import java.util.UUID;

/**
 * The id of a job: 1 to 128 characters of {@code [A-Za-z0-9._:-]}, either chosen by the client
 * (idempotent submit) or generated.
 *
 * @param value the id text
 */
public record JobId(String value) implements Comparable<JobId> {

  public JobId {
    Checks.id("jobId", value);
  }

  /** Parses an id; throws {@link InvalidRequestException} naming {@code jobId} when malformed. */
  public static JobId of(String value) {
    return new JobId(value);
  }

  /** A fresh random id. */
  public static JobId random() {
    return new JobId(UUID.randomUUID().toString());
  }

  @Override
  public int compareTo(JobId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
