package dev.docket;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRulesProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A parsed 5-field crontab schedule, with cronie's (Vixie cron's successor) syntax and time zone
 * rules.
 *
 * <h2>Syntax</h2>
 *
 * <p>Five fields separated by blanks: minute (0-59), hour (0-23), day of month (1-31), month (1-12
 * or {@code JAN}-{@code DEC}) and day of week (0-7 or {@code SUN}-{@code SAT}; 0 and 7 are both
 * Sunday). Names are three letters in any case. Each field is a comma list of {@code *}, {@code a},
 * {@code a-b}, {@code *}{@code /n} or {@code a-b/n}; names may appear in ranges ({@code MON-FRI}),
 * and a day-of-week range that ends in Sunday ends at 7 ({@code FRI-SUN}), while one that starts
 * with it starts at 0 ({@code SUN-THU}). A step needs {@code *} or a range: {@code 5/10} is
 * rejected, write {@code 5-59/10}. Out-of-range values, reversed ranges, step 0, empty list
 * elements and a wrong number of fields are rejected.
 *
 * <p>Macros, in lower case as cronie accepts them ({@code @reboot} is not supported):
 *
 * <ul>
 *   <li>{@code @yearly}, {@code @annually}: {@code 0 0 1 1 *}
 *   <li>{@code @monthly}: {@code 0 0 1 * *}
 *   <li>{@code @weekly}: {@code 0 0 * * 0}
 *   <li>{@code @daily}, {@code @midnight}: {@code 0 0 * * *}
 *   <li>{@code @hourly}: {@code 0 * * * *} (a wildcard schedule, see below)
 * </ul>
 *
 * <p>Days: if the day-of-month or the day-of-week field begins with {@code *} (so {@code *} and
 * {@code *}{@code /2} alike), a day must match both; otherwise it may match either (the Vixie OR
 * rule): {@code 0 12 1,15 * MON-FRI} fires on the 1st, on the 15th and on every weekday.
 *
 * <h2>Time zones and daylight saving time</h2>
 *
 * <p>Fields are matched against the wall clock of the zone given to {@link #nextFireTimes}. A
 * schedule is <em>fixed-time</em> ({@link #isFixedTime()}) when neither its minute nor its hour
 * field begins with {@code *}: {@code 30 2 * * *}, {@code 0,30 9-17 * * *} and {@code 0 0-23/2 * *
 * *} are fixed-time; {@code @hourly}, {@code 15 * * * *} and {@code *}{@code /15 * * * *} are not.
 * As in cronie, fixed-time schedules run once per wall-clock time, and the others (wildcard
 * schedules) run by real elapsed time:
 *
 * <ul>
 *   <li><b>Spring-forward gap.</b> A fixed-time schedule with a match among the skipped local times
 *       fires once, at the first instant after the gap (the transition instant), however many
 *       skipped times match, and also when the first local time after the gap matches too. In
 *       Europe/Amsterdam on 2026-03-29, {@code 30 2 * * *} fires at 03:00 local, 01:00Z. A wildcard
 *       schedule just has no fires in the gap.
 *   <li><b>Autumn overlap.</b> When local times repeat, a fixed-time schedule fires only in the
 *       first pass (the earlier offset), also when the search starts inside the second pass. A
 *       wildcard schedule fires in both passes: {@code *}{@code /15 * * * *} fires 8 times during
 *       the two real hours that show 02:xx in Amsterdam on the last Sunday of October.
 * </ul>
 *
 * <p>The DST rules apply to every gap and overlap in the zone's rules, whatever their length (30
 * minutes on Australia/Lord_Howe, at 02:45 on Pacific/Chatham, at midnight on America/Sao_Paulo in
 * 2018). Fire times are whole local minutes, which are whole UTC minutes for every zone offset in
 * use today.
 *
 * <p>Instances are immutable and thread-safe. Equality, hash code and {@link #toString()} are those
 * of the {@link #expression()} text, so {@code @daily} and {@code 0 0 * * *} are not equal.
 */
public final class CronSchedule {

  /** The most fire times one {@link #nextFireTimes} call returns. */
  public static final int MAX_COUNT = 1000;

  private final String expression;
  private final CronFields fields;

  private CronSchedule(String expression, CronFields fields) {
    this.expression = expression;
    this.fields = fields;
  }

  /**
   * Parses a crontab expression (leading and trailing blanks are ignored).
   *
   * @throws InvalidScheduleException with field {@code schedule} and a message naming the bad part,
   *     e.g. {@code schedule: minute field '61' is out of range 0-59}
   */
  public static CronSchedule parse(String expression) {
    if (expression == null) {
      throw new InvalidScheduleException(InvalidScheduleException.SCHEDULE, "must not be null");
    }
    String trimmed = expression.trim();
    if (trimmed.isEmpty()) {
      throw new InvalidScheduleException(
          InvalidScheduleException.SCHEDULE,
          "must not be blank; write 5 fields such as '0 9 * * MON' or a macro such as @daily");
    }
    return new CronSchedule(trimmed, CronFields.parse(trimmed));
  }

  /**
   * Resolves an IANA time zone id such as {@code Europe/Amsterdam} or {@code UTC}. Offsets ({@code
   * +02:00}) and prefixed offsets ({@code UTC+2}) are rejected: a schedule's zone should carry its
   * daylight saving rules.
   *
   * @throws InvalidScheduleException with field {@code timezone} when the id is null or unknown
   */
  public static ZoneId zone(String id) {
    if (id == null) {
      throw new InvalidScheduleException(InvalidScheduleException.TIMEZONE, "must not be null");
    }
    if (ZoneRulesProvider.getAvailableZoneIds().contains(id)) {
      try {
        return ZoneId.of(id);
      } catch (DateTimeException e) {
        // fall through: listed but not loadable is as good as unknown
      }
    }
    throw new InvalidScheduleException(
        InvalidScheduleException.TIMEZONE,
        "'"
            + Checks.abbreviate(id)
            + "' is not a known IANA time zone id (such as Europe/Amsterdam or UTC)");
  }

  /**
   * The next fire times strictly after {@code after}, ascending, following the DST rules above. The
   * list is shorter than {@code count} (possibly empty) when the schedule stops firing; fire times
   * are only computed up to the year 9999.
   *
   * @param count how many fire times, 1 to {@value #MAX_COUNT}
   * @throws InvalidRequestException naming {@code count} when it is out of range, or {@code after}
   *     when it lies outside years 0000 to 9999
   */
  public List<Instant> nextFireTimes(ZoneId zone, Instant after, int count) {
    Objects.requireNonNull(zone, "zone");
    checkAfter(after);
    if (count < 1 || count > MAX_COUNT) {
      throw new InvalidRequestException(
          "count", "must be between 1 and " + MAX_COUNT + ", was " + count);
    }
    List<Instant> result = new ArrayList<>(Math.min(count, 16));
    Instant cursor = after;
    while (result.size() < count) {
      Instant next = FireTimeCalculator.next(fields, zone, cursor);
      if (next == null) {
        break;
      }
      result.add(next);
      cursor = next;
    }
    return List.copyOf(result);
  }

  /**
   * The first fire time strictly after {@code after}, or empty when the schedule never fires again
   * (such as {@code 0 0 30 2 *}).
   *
   * @throws InvalidRequestException naming {@code after} when it lies outside years 0000 to 9999
   */
  public Optional<Instant> nextFireTime(ZoneId zone, Instant after) {
    Objects.requireNonNull(zone, "zone");
    checkAfter(after);
    return Optional.ofNullable(FireTimeCalculator.next(fields, zone, after));
  }

  private static void checkAfter(Instant after) {
    Objects.requireNonNull(after, "after");
    if (after.isBefore(FireTimeCalculator.MIN) || after.isAfter(FireTimeCalculator.MAX)) {
      throw new InvalidRequestException(
          "after",
          "must be between "
              + FireTimeCalculator.MIN
              + " and "
              + FireTimeCalculator.MAX
              + ", was "
              + after);
    }
  }

  /** The expression as given to {@link #parse}, without leading and trailing blanks. */
  public String expression() {
    return expression;
  }

  /**
   * Whether neither the minute nor the hour field begins with {@code *}: such a schedule runs once
   * per wall-clock time across DST changes; otherwise it follows real elapsed time.
   */
  public boolean isFixedTime() {
    return fields.isFixedTime();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof CronSchedule other && expression.equals(other.expression);
  }

  @Override
  public int hashCode() {
    return expression.hashCode();
  }

  /** The expression. */
  @Override
  public String toString() {
    return expression;
  }
}
