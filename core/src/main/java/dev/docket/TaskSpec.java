package dev.docket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Objects;

/**
 * What to schedule: a validated, immutable request to create a task. The crontab and zone are
 * checked here; the action and its args are checked against the engine's {@link ActionRegistry}
 * when the task is created.
 *
 * <pre>{@code
 * TaskSpec.builder("Weekly status update", "0 9 * * MON", "send_message")
 *     .timezone("Europe/Amsterdam")
 *     .args("{\"room_id\": \"room-1\", \"content\": {\"msgtype\": \"m.text\", \"body\": \"Status?\"}}")
 *     .build();
 * }</pre>
 *
 * @param name a label, 1 to {@value #MAX_NAME} characters; need not be unique
 * @param schedule the crontab (see {@link CronSchedule})
 * @param timezone the IANA zone the crontab is read in; {@code UTC} by default
 * @param action the action each fire runs
 * @param args the action's arguments (a JSON object; empty by default)
 * @param enabled whether it fires; {@code true} by default
 * @param misfirePolicy what to do about fire times missed during downtime
 */
public record TaskSpec(
    String name,
    CronSchedule schedule,
    java.time.ZoneId timezone,
    String action,
    JsonNode args,
    boolean enabled,
    MisfirePolicy misfirePolicy) {

  /** Longest task name accepted. */
  public static final int MAX_NAME = 200;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  public TaskSpec {
    name = checkName(name);
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(timezone, "timezone");
    checkAction(action);
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(misfirePolicy, "misfirePolicy");
  }

  static String checkName(String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidRequestException("name", "must not be blank");
    }
    if (name.length() > MAX_NAME) {
      throw new InvalidRequestException("name", "is " + name.length() + " characters, more than " + MAX_NAME);
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidRequestException("name", "must not contain control characters");
    }
    return name;
  }

  static String checkAction(String action) {
    if (action == null || action.isBlank()) {
      throw new InvalidRequestException("action", "must not be blank");
    }
    return Checks.function("action", action);
  }

  static JsonNode parseArgs(String json) {
    Objects.requireNonNull(json, "args");
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new InvalidRequestException("args", "is empty; give a JSON object such as {}");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException("args", "is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** Starts a spec: a name, a crontab and the action to run. */
  public static Builder builder(String name, String schedule, String action) {
    return new Builder(name, schedule, action);
  }

  /** Builds a {@link TaskSpec}. Not thread-safe; {@link #build()} validates every field. */
  public static final class Builder {
    private final String name;
    private final String schedule;
    private final String action;
    private String timezone = "UTC";
    private JsonNode args = JsonNodeFactory.instance.objectNode();
    private boolean enabled = true;
    private MisfirePolicy misfirePolicy = MisfirePolicy.FIRE_ONCE;

    private Builder(String name, String schedule, String action) {
      this.name = name;
      this.schedule = schedule;
      this.action = action;
    }

    /** The IANA zone id ({@code Europe/Amsterdam}); {@code UTC} by default. */
    public Builder timezone(String zoneId) {
      this.timezone = Objects.requireNonNull(zoneId, "timezone");
      return this;
    }

    /** The action's arguments as a JSON tree. */
    public Builder args(JsonNode args) {
      this.args = Objects.requireNonNull(args, "args").deepCopy();
      return this;
    }

    /**
     * The action's arguments as JSON text.
     *
     * @throws InvalidRequestException naming {@code args} when the text is not JSON
     */
    public Builder args(String json) {
      this.args = parseArgs(json);
      return this;
    }

    /** Created disabled: it does not fire until enabled. */
    public Builder disabled() {
      this.enabled = false;
      return this;
    }

    /** What to do about fire times missed during downtime; {@link MisfirePolicy#FIRE_ONCE}. */
    public Builder misfirePolicy(MisfirePolicy policy) {
      this.misfirePolicy = Objects.requireNonNull(policy, "misfirePolicy");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws InvalidRequestException naming the first offending field ({@code schedule}, {@code
     *     timezone}, …)
     */
    public TaskSpec build() {
      checkName(name);
      CronSchedule cron = CronSchedule.parse(schedule);
      java.time.ZoneId zone = CronSchedule.zone(timezone);
      return new TaskSpec(name, cron, zone, action, args, enabled, misfirePolicy);
    }
  }
}
