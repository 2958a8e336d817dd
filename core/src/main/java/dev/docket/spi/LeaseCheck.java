package dev.docket.spi;

import dev.docket.JobId;
import java.util.Set;

/**
 * What a node learns when it extends its leases.
 *
 * @param held the jobs whose leases this node still holds (a running job missing here was taken
 *     over or finished elsewhere: its handler should stop)
 * @param cancelRequested the held jobs whose cancel was requested (perhaps on another node)
 */
public record LeaseCheck(Set<JobId> held, Set<JobId> cancelRequested) {
  public LeaseCheck {
    held = Set.copyOf(held);
    cancelRequested = Set.copyOf(cancelRequested);
  }
}
