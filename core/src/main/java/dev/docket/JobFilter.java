package dev.docket;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which jobs a list returns; every present criterion must match. Immutable: each method returns a
 * new filter.
 *
 * @param statuses the states to include; empty means any
 * @param queue only this queue
 * @param function only this handler name
 * @param correlationId only this correlation group
 * @param owner only jobs of this owner (an admin's choice; other callers always see only theirs)
 */
public record JobFilter(
    Set<JobStatus> statuses,
    Optional<String> queue,
    Optional<String> function,
    Optional<String> correlationId,
    Optional<String> owner) {

  private static final JobFilter ALL =
      new JobFilter(Set.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  public JobFilter {
    statuses = Set.copyOf(statuses);
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(correlationId, "correlationId");
    Objects.requireNonNull(owner, "owner");
    queue.ifPresent(q -> Checks.queue("queue", q));
    function.ifPresent(f -> Checks.function("function", f));
    correlationId.ifPresent(c -> Checks.id("correlationId", c));
  }

  /** Matches every job. */
  public static JobFilter all() {
    return ALL;
  }

  /** Only jobs in one of these states. */
  public JobFilter status(JobStatus first, JobStatus... more) {
    EnumSet<JobStatus> s = EnumSet.of(first, more);
    return new JobFilter(s, queue, function, correlationId, owner);
  }

  /** Only jobs in one of these states; an empty collection means any. */
  public JobFilter statuses(java.util.Collection<JobStatus> statuses) {
    return new JobFilter(Set.copyOf(statuses), queue, function, correlationId, owner);
  }

  public JobFilter queue(String queue) {
    return new JobFilter(statuses, Optional.of(queue), function, correlationId, owner);
  }

  public JobFilter function(String function) {
    return new JobFilter(statuses, queue, Optional.of(function), correlationId, owner);
  }

  public JobFilter correlationId(String correlationId) {
    return new JobFilter(statuses, queue, function, Optional.of(correlationId), owner);
  }

  public JobFilter owner(String owner) {
    return new JobFilter(statuses, queue, function, correlationId, Optional.of(owner));
  }

  /** Whether a job matches (used by stores that filter in memory). */
  public boolean matches(Job job) {
    return (statuses.isEmpty() || statuses.contains(job.status()))
        && queue.map(job.queue()::equals).orElse(true)
        && function.map(job.function()::equals).orElse(true)
        && correlationId.map(c -> job.correlationId().map(c::equals).orElse(false)).orElse(true)
        && owner.map(job.owner()::equals).orElse(true);
  }

  @Override
  public String toString() {
    return "JobFilter"
        + List.of(statuses, queue, function, correlationId, owner).toString();
  }
}
