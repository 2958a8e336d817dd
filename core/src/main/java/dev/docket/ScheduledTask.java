package dev.docket;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of a scheduled task: a crontab in a time zone that enqueues one job running
 * its action at each fire time. The fired jobs carry the task's id as correlation id and its owner.
 *
 * @param id the task's id
 * @param name a label; need not be unique
 * @param schedule the crontab, as given
 * @param timezone the IANA zone the crontab is read in
 * @param action the action each fire runs (the fired job's function)
 * @param args the action's arguments; do not modify
 * @param enabled whether it fires
 * @param misfirePolicy what it does about fire times missed during downtime
 * @param owner the principal that created it
 * @param createdAt when it was created
 * @param updatedAt when it was last changed by a caller
 * @param nextRunAt the next fire time; empty while disabled or when the crontab never fires again
 * @param lastRunAt the fire time of the last fire
 * @param lastJobId the job the last fire enqueued
 * @param lastStatus that job's status when this snapshot was read
 */
public record ScheduledTask(
    TaskId id,
    String name,
    String schedule,
    ZoneId timezone,
    String action,
    JsonNode args,
    boolean enabled,
    MisfirePolicy misfirePolicy,
    String owner,
    Instant createdAt,
    Instant updatedAt,
    Optional<Instant> nextRunAt,
    Optional<Instant> lastRunAt,
    Optional<JobId> lastJobId,
    Optional<JobStatus> lastStatus) {

  public ScheduledTask {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(timezone, "timezone");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(misfirePolicy, "misfirePolicy");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(nextRunAt, "nextRunAt");
    Objects.requireNonNull(lastRunAt, "lastRunAt");
    Objects.requireNonNull(lastJobId, "lastJobId");
    Objects.requireNonNull(lastStatus, "lastStatus");
  }
}
