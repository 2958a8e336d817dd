package dev.docket.spi;

import dev.docket.Job;
import java.util.Objects;

/**
 * What an insert did.
 *
 * @param job the stored job: the new one, or the one that already had this id
 * @param inserted whether this call created it
 */
public record InsertResult(Job job, boolean inserted) {
  public InsertResult {
    Objects.requireNonNull(job, "job");
  }
}
