package dev.docket;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The five fields of a crontab line parsed into bit sets, with a wall-clock matcher. Parsing
 * follows cronie's {@code entry.c}: lists, ranges, {@code *}, steps after {@code *} or a range,
 * three-letter month and weekday names in any case, {@code 0} and {@code 7} both Sunday.
 *
 * <p>Bit {@code i} of a set means value {@code i} matches: minutes 0-59, hours 0-23, days 1-31,
 * months 1-12, weekdays 0-6 (Sunday is 0; a parsed 7 is folded into 0). The {@code *Star} flags
 * record whether the field text began with {@code *}, which is what cronie's day-of-month /
 * day-of-week rule and its DST handling look at.
 */
record CronFields(
    long minutes,
    long hours,
    long days,
    long months,
    long weekdays,
    boolean minuteStar,
    boolean hourStar,
    boolean dayStar,
    boolean weekdayStar) {

  /** The five crontab fields, with cronie's bounds. */
  private enum Field {
    MINUTE("minute", 0, 59, List.of()),
    HOUR("hour", 0, 23, List.of()),
    DAY_OF_MONTH("day-of-month", 1, 31, List.of()),
    MONTH(
        "month",
        1,
        12,
        List.of(
            "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")),
    DAY_OF_WEEK("day-of-week", 0, 7, List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"));

    final String label;
    final int min;
    final int max;
    final List<String> names;

    Field(String label, int min, int max, List<String> names) {
      this.label = label;
      this.min = min;
      this.max = max;
      this.names = names;
    }

    String expected() {
      return switch (this) {
        case MONTH -> "a number or a month name (JAN-DEC)";
        case DAY_OF_WEEK -> "a number or a day name (SUN-SAT)";
        default -> "a number";
      };
    }
  }

  /** Steps beyond any field's span select only the first value; capping avoids int overflow. */
  private static final int MAX_STEP = 100;

  /**
   * Parses a trimmed, non-blank expression: five fields or one of cronie's macros.
   *
   * @throws InvalidScheduleException naming the field and the part that is wrong
   */
  static CronFields parse(String expression) {
    if (expression.startsWith("@")) {
      return parse(macro(expression));
    }
    String[] parts = expression.split("[ \t]+");
    if (parts.length != 5) {
      throw invalid(
          "expected 5 fields (minute hour day-of-month month day-of-week) or a macro such as"
              + " @daily, but '"
              + Checks.abbreviate(expression)
              + "' has "
              + parts.length);
    }
    return new CronFields(
        field(Field.MINUTE, parts[0]),
        field(Field.HOUR, parts[1]),
        field(Field.DAY_OF_MONTH, parts[2]),
        field(Field.MONTH, parts[3]),
        foldSunday(field(Field.DAY_OF_WEEK, parts[4])),
        parts[0].startsWith("*"),
        parts[1].startsWith("*"),
        parts[2].startsWith("*"),
        parts[4].startsWith("*"));
  }

  private static String macro(String expression) {
    String name = expression.split("[ \t]+", 2)[0];
    String expanded =
        switch (name) {
          case "@yearly", "@annually" -> "0 0 1 1 *";
          case "@monthly" -> "0 0 1 * *";
          case "@weekly" -> "0 0 * * 0";
          case "@daily", "@midnight" -> "0 0 * * *";
          case "@hourly" -> "0 * * * *";
          case "@reboot" ->
              throw invalid(
                  "@reboot is not supported: schedules follow the clock and there is no boot"
                      + " event; use a time such as @daily");
          default ->
              throw invalid(
                  "unknown macro '"
                      + Checks.abbreviate(name)
                      + "'; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or"
                      + " @hourly (lower case), or 5 fields");
        };
    if (!name.equals(expression)) {
      throw invalid(
          "macro " + name + " stands alone, but '" + Checks.abbreviate(expression) + "' has more");
    }
    return expanded;
  }

  private static long field(Field f, String text) {
    long bits = 0;
    for (String element : text.split(",", -1)) {
      if (element.isEmpty()) {
        throw invalid(f, text, text, "has an empty list element");
      }
      bits |= element(f, text, element);
    }
    return bits;
  }

  private static long element(Field f, String text, String element) {
    int slash = element.indexOf('/');
    String range = slash < 0 ? element : element.substring(0, slash);
    int step = 1;
    if (slash >= 0) {
      String stepText = element.substring(slash + 1);
      if (!isDigits(stepText)) {
        throw invalid(f, text, element, "has a step '" + stepText + "' that is not a number");
      }
      step = digits(stepText, MAX_STEP);
      if (step == 0) {
        throw invalid(f, text, element, "has step 0; a step must be at least 1");
      }
    }
    int low;
    int high;
    if (range.equals("*")) {
      low = f.min;
      high = f.max;
    } else {
      int dash = range.indexOf('-');
      if (dash < 0) {
        if (slash >= 0) {
          throw invalid(
              f,
              text,
              element,
              "has a step after a single value; write "
                  + range
                  + "-"
                  + f.max
                  + element.substring(slash)
                  + " or *"
                  + element.substring(slash));
        }
        low = value(f, text, range);
        high = low;
      } else {
        if (dash == 0 || dash == range.length() - 1) {
          throw invalid(f, text, element, "is an incomplete range; write it as low-high");
        }
        low = value(f, text, range.substring(0, dash));
        high = value(f, text, range.substring(dash + 1));
        if (f == Field.DAY_OF_WEEK && high == 0 && low > 0) {
          high = 7; // cronie: a weekday range ending in Sunday (FRI-SUN, 5-0) ends at 7
        }
        if (low > high) {
          throw invalid(f, text, element, "is a reversed range; write the lower value first");
        }
      }
    }
    long bits = 0;
    for (int i = low; i <= high; i += step) {
      bits |= 1L << i;
    }
    return bits;
  }

  private static int value(Field f, String text, String part) {
    if (isDigits(part)) {
      int v = digits(part, Integer.MAX_VALUE);
      if (v < f.min || v > f.max) {
        throw invalid(f, text, part, "is out of range " + f.min + "-" + f.max);
      }
      return v;
    }
    int index = f.names.indexOf(part.toUpperCase(Locale.ROOT));
    if (index < 0) {
      throw invalid(f, text, part, "is not " + f.expected());
    }
    return index + f.min;
  }

  private static boolean isDigits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** The value of an all-digits string, capped at {@code cap}. */
  private static int digits(String s, int cap) {
    long v = 0;
    for (int i = 0; i < s.length() && v <= cap; i++) {
      v = v * 10 + (s.charAt(i) - '0');
    }
    return (int) Math.min(v, cap);
  }

  private static long foldSunday(long weekdays) {
    return (weekdays & (1L << 7)) != 0 ? (weekdays & ~(1L << 7)) | 1L : weekdays;
  }

  private static InvalidScheduleException invalid(String message) {
    return new InvalidScheduleException(InvalidScheduleException.SCHEDULE, message);
  }

  private static InvalidScheduleException invalid(Field f, String text, String part, String rule) {
    String where = f.label + " field '" + Checks.abbreviate(text) + "'";
    if (!part.equals(text)) {
      where += ": '" + Checks.abbreviate(part) + "'";
    }
    return invalid(where + " " + rule);
  }

  /** Cronie's fixed-time test: neither minute nor hour begins with {@code *}. */
  boolean isFixedTime() {
    return !minuteStar && !hourStar;
  }

  /**
   * Whether the day fields can ever select a day. With the OR rule every week has a matching day;
   * with the AND rule some allowed month must have an allowed day of month (Feb 29 counts), and
   * every calendar date falls on every weekday within the 400-year Gregorian cycle.
   */
  boolean canEverMatch() {
    if (!dayStar && !weekdayStar) {
      return true;
    }
    for (Month m : Month.values()) {
      if (has(months, m.getValue())) {
        long daysInMonth = (1L << (m.maxLength() + 1)) - 2; // bits 1..maxLength
        if ((days & daysInMonth) != 0) {
          return true;
        }
      }
    }
    return false;
  }

  /** Cronie's day rule: if either day field begins with {@code *} both must match, else either. */
  boolean matchesDay(LocalDate date) {
    boolean dom = has(days, date.getDayOfMonth());
    boolean dow = has(weekdays, date.getDayOfWeek().getValue() % 7);
    return dayStar || weekdayStar ? dom && dow : dom || dow;
  }

  /** Whether a wall-clock minute matches every field (seconds are ignored). */
  boolean matches(LocalDateTime t) {
    return has(months, t.getMonthValue())
        && matchesDay(t.toLocalDate())
        && has(hours, t.getHour())
        && has(minutes, t.getMinute());
  }

  /**
   * The first matching wall-clock minute at or after {@code from} and before {@code end}, or null.
   * Skips whole months, days and hours that cannot match, so the cost grows with the number of days
   * scanned, never with minutes.
   *
   * @param from a whole minute
   */
  @Nullable LocalDateTime nextMatch(LocalDateTime from, LocalDateTime end) {
    LocalDate date = from.toLocalDate();
    int hour = from.getHour();
    int minute = from.getMinute();
    while (date.atStartOfDay().isBefore(end)) {
      if (!has(months, date.getMonthValue())) {
        date = nextMonth(date);
        hour = 0;
        minute = 0;
        continue;
      }
      if (matchesDay(date)) {
        int h = nextBit(hours, hour);
        if (h >= 0) {
          int m = nextBit(minutes, h == hour ? minute : 0);
          if (m < 0) {
            h = nextBit(hours, h + 1);
            m = nextBit(minutes, 0);
          }
          if (h >= 0) {
            LocalDateTime t = date.atTime(h, m);
            return t.isBefore(end) ? t : null;
          }
        }
      }
      date = date.plusDays(1);
      hour = 0;
      minute = 0;
    }
    return null;
  }

  /** The first day of the next allowed month after {@code date}'s month. */
  private LocalDate nextMonth(LocalDate date) {
    int m = nextBit(months, date.getMonthValue() + 1);
    return m > 0 && m <= 12
        ? LocalDate.of(date.getYear(), m, 1)
        : LocalDate.of(date.getYear() + 1, nextBit(months, 1), 1);
  }

  private static boolean has(long bits, int i) {
    return (bits & (1L << i)) != 0;
  }

  /** The smallest set bit at or above {@code from}, or -1. */
  private static int nextBit(long bits, int from) {
    if (from >= 64) {
      return -1;
    }
    long rest = bits & (-1L << from);
    return rest == 0 ? -1 : Long.numberOfTrailingZeros(rest);
  }
}
