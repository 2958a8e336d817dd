package dev.docket;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * A partial change of a scheduled task: only the fields given change. Changing the crontab, the
 * zone or enabling the task recomputes its next fire time from now; disabling clears it.
 *
 * <pre>{@code
 * TaskUpdate.of().schedule("30 8 * * MON-FRI").timezone("America/New_York")
 * }</pre>
 *
 * @param name a new name
 * @param schedule a new crontab
 * @param timezone a new zone
 * @param action a new action (its args are checked against it)
 * @param args new args (replacing the old ones whole)
 * @param argsPatch a JSON merge patch (RFC 7386) applied to the args, after {@code args} when both
 *     are given, inside the store's update of the task: concurrent patches of different keys all
 *     stay
 * @param enabled enable or disable
 * @param misfirePolicy a new misfire policy
 */
public record TaskUpdate(
    Optional<String> name,
    Optional<CronSchedule> schedule,
    Optional<ZoneId> timezone,
    Optional<String> action,
    Optional<JsonNode> args,
    Optional<Boolean> enabled,
    Optional<MisfirePolicy> misfirePolicy,
    Optional<JsonNode> argsPatch) {

  public TaskUpdate {
    Objects.requireNonNull(name, "name").ifPresent(TaskSpec::checkName);
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(timezone, "timezone");
    Objects.requireNonNull(action, "action").ifPresent(TaskSpec::checkAction);
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(enabled, "enabled");
    Objects.requireNonNull(misfirePolicy, "misfirePolicy");
    Objects.requireNonNull(argsPatch, "argsPatch");
  }

  /** An update without an args patch. */
  public TaskUpdate(
      Optional<String> name,
      Optional<CronSchedule> schedule,
      Optional<ZoneId> timezone,
      Optional<String> action,
      Optional<JsonNode> args,
      Optional<Boolean> enabled,
      Optional<MisfirePolicy> misfirePolicy) {
    this(name, schedule, timezone, action, args, enabled, misfirePolicy, Optional.empty());
  }

  /** An update that changes nothing yet. */
  public static TaskUpdate of() {
    return new TaskUpdate(
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty());
  }

  public TaskUpdate name(String name) {
    return new TaskUpdate(Optional.of(TaskSpec.checkName(name)), schedule, timezone, action, args, enabled, misfirePolicy, argsPatch);
  }

  /**
   * @throws InvalidScheduleException naming {@code schedule} when the crontab is malformed
   */
  public TaskUpdate schedule(String crontab) {
    return new TaskUpdate(name, Optional.of(CronSchedule.parse(crontab)), timezone, action, args, enabled, misfirePolicy, argsPatch);
  }

  /**
   * @throws InvalidScheduleException naming {@code timezone} when the zone is unknown
   */
  public TaskUpdate timezone(String zoneId) {
    return new TaskUpdate(name, schedule, Optional.of(CronSchedule.zone(zoneId)), action, args, enabled, misfirePolicy, argsPatch);
  }

  public TaskUpdate action(String action) {
    return new TaskUpdate(name, schedule, timezone, Optional.of(TaskSpec.checkAction(action)), args, enabled, misfirePolicy, argsPatch);
  }

  public TaskUpdate args(JsonNode args) {
    return new TaskUpdate(name, schedule, timezone, action, Optional.of(args.deepCopy()), enabled, misfirePolicy, argsPatch);
  }

  /**
   * @throws InvalidRequestException naming {@code args} when the text is not JSON
   */
  public TaskUpdate args(String json) {
    return args(TaskSpec.parseArgs(json));
  }

  public TaskUpdate enabled(boolean enabled) {
    return new TaskUpdate(name, schedule, timezone, action, args, Optional.of(enabled), misfirePolicy, argsPatch);
  }

  public TaskUpdate misfirePolicy(MisfirePolicy policy) {
    return new TaskUpdate(name, schedule, timezone, action, args, enabled, Optional.of(policy), argsPatch);
  }

  /**
   * Changes the args by a JSON merge patch (RFC 7386): keys with a value are set (objects merged
   * recursively), keys with {@code null} removed. The patch is applied to the stored args inside
   * the store's update, so two patches of different keys at the same instant both hold. The
   * result must stay an object ({@link InvalidRequestException} naming {@code args}).
   */
  public TaskUpdate mergeArgs(JsonNode patch) {
    Objects.requireNonNull(patch, "patch");
    return new TaskUpdate(name, schedule, timezone, action, args, enabled, misfirePolicy, Optional.of(patch.deepCopy()));
  }

  /**
   * {@link #mergeArgs(JsonNode)} from JSON text.
   *
   * @throws InvalidRequestException naming {@code args} when the text is not a JSON object
   */
  public TaskUpdate mergeArgs(String json) {
    return mergeArgs(TaskSpec.parseArgs(json));
  }

  /** Whether nothing changes. */
  public boolean isEmpty() {
    return name.isEmpty() && schedule.isEmpty() && timezone.isEmpty() && action.isEmpty()
        && args.isEmpty() && enabled.isEmpty() && misfirePolicy.isEmpty() && argsPatch.isEmpty();
  }
}
