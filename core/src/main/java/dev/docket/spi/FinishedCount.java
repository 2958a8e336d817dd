package dev.docket.spi;

import dev.docket.JobStatus;
import java.util.Objects;

/**
 * How many jobs of one queue and function reached one terminal state in a window.
 *
 * @param status a terminal state
 */
public record FinishedCount(String queue, String function, JobStatus status, long count) {

  public FinishedCount {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(status, "status");
  }
}
