package dev.docket;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import org.jspecify.annotations.Nullable;

/**
 * Maps wall-clock matches of {@link CronFields} to instants in a zone, with cronie's DST rules (see
 * {@link CronSchedule}).
 *
 * <p>The time line is walked in segments of constant offset, from one zone transition to the next.
 * Inside a segment local time is monotonic, so the first match is found on wall-clock fields and
 * converted with the segment's offset. Crossing a transition applies the rules: a gap fires
 * fixed-time jobs that match a skipped minute once, at the transition instant; after an overlap
 * fixed-time jobs skip the repeated local times, which the first pass already covered.
 */
final class FireTimeCalculator {

  /** The Gregorian calendar repeats every 400 years, so a schedule that can fire does within. */
  private static final Duration HORIZON = Duration.ofDays(146_097);

  /** Fire times are computed up to this instant; later ones are reported as none. */
  static final Instant MAX = Instant.parse("9999-12-31T00:00:00Z");

  /** The earliest {@code after} accepted. */
  static final Instant MIN = Instant.parse("0000-01-01T00:00:00Z");

  private FireTimeCalculator() {}

  /** The first fire strictly after {@code after}, or null if there is none before the horizon. */
  static @Nullable Instant next(CronFields fields, ZoneId zone, Instant after) {
    if (!fields.canEverMatch() || !after.isBefore(MAX)) {
      return null;
    }
    ZoneRules rules = zone.getRules();
    Instant limit = after.plus(HORIZON).isBefore(MAX) ? after.plus(HORIZON) : MAX;
    boolean fixed = fields.isFixedTime();

    // The transition that started the segment holding `after` (at or before it), if any.
    @Nullable ZoneOffsetTransition started = rules.previousTransition(after.plusNanos(1));
    Instant from = after;
    LocalDateTime localFrom =
        LocalDateTime.ofInstant(after, rules.getOffset(after))
            .truncatedTo(ChronoUnit.MINUTES)
            .plusMinutes(1);
    while (true) {
      ZoneOffset offset = rules.getOffset(from);
      @Nullable ZoneOffsetTransition ends = rules.nextTransition(from);
      boolean endsAtLimit = ends == null || !ends.getInstant().isBefore(limit);
      Instant end = endsAtLimit || ends == null ? limit : ends.getInstant();
      if (fixed && started != null && started.isOverlap()) {
        // Second pass of an autumn overlap: the first pass already ran these local times.
        localFrom = latest(localFrom, ceilMinute(started.getDateTimeBefore()));
      }
      LocalDateTime match = fields.nextMatch(localFrom, LocalDateTime.ofInstant(end, offset));
      if (match != null) {
        return match.toInstant(offset);
      }
      if (endsAtLimit || ends == null) {
        return null;
      }
      if (fixed
          && ends.isGap()
          && fields.nextMatch(ceilMinute(ends.getDateTimeBefore()), ends.getDateTimeAfter())
              != null) {
        // Spring gap: run the skipped fixed-time job once, right after the gap.
        return ends.getInstant();
      }
      started = ends;
      from = ends.getInstant();
      localFrom = ceilMinute(ends.getDateTimeAfter());
    }
  }

  private static LocalDateTime latest(LocalDateTime a, LocalDateTime b) {
    return a.isAfter(b) ? a : b;
  }

  /** Historic offsets had seconds; cron minutes are whole local minutes. */
  private static LocalDateTime ceilMinute(LocalDateTime t) {
    LocalDateTime floor = t.truncatedTo(ChronoUnit.MINUTES);
    return floor.equals(t) ? t : floor.plusMinutes(1);
  }
}
