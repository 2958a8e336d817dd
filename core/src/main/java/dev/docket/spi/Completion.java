package dev.docket.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One ended attempt to store: see {@link JobStore#completeAll(java.util.List)}.
 *
 * @param lease the attempt's lease
 * @param outcome how it ended
 * @param now when it ended (engine clock)
 */
public record Completion(Lease lease, Outcome outcome, Instant now) {
  public Completion {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(now, "now");
  }
}
