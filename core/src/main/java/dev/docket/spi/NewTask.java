package dev.docket.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docket.MisfirePolicy;
import dev.docket.TaskId;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * A scheduled task to insert, validated and resolved by the engine.
 *
 * @param nextRunAt its first fire time; empty when disabled (or when the crontab never fires)
 */
public record NewTask(
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
    Optional<Instant> nextRunAt) {

  public NewTask {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(timezone, "timezone");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(misfirePolicy, "misfirePolicy");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(nextRunAt, "nextRunAt");
  }
}
