package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random valid expressions against an independent brute-force reference: the generator knows which
 * values each field text selects, and the reference walks minute by minute.
 */
class CronSchedulePropertyTest {

  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  /** A generated field: its text and the values it selects. */
  private record Field(String text, boolean[] values) {}

  /** A generated expression with its meaning, and a reference matcher written from scratch. */
  private record Spec(String text, Field min, Field hour, Field dom, Field month, Field dow) {

    boolean dayMatches(LocalDateTime t) {
      boolean d = dom.values[t.getDayOfMonth()];
      boolean w = dow.values[t.getDayOfWeek().getValue() % 7];
      boolean and = dom.text.startsWith("*") || dow.text.startsWith("*");
      return month.values[t.getMonthValue()] && (and ? d && w : d || w);
    }

    boolean matches(LocalDateTime t) {
      return dayMatches(t) && hour.values[t.getHour()] && min.values[t.getMinute()];
    }

    boolean fixed() {
      return !min.text.startsWith("*") && !hour.text.startsWith("*");
    }
  }

  // --- generator ---------------------------------------------------------------------------

  private static Field field(Random rnd, int lo, int hi, List<String> names, int starPercent) {
    boolean[] values = new boolean[hi + 1];
    List<String> parts = new ArrayList<>();
    int elements = 1 + (rnd.nextInt(100) < 70 ? 0 : rnd.nextInt(3));
    for (int e = 0; e < elements; e++) {
      int kind = e == 0 && rnd.nextInt(100) < starPercent ? 0 : 1 + rnd.nextInt(5);
      int a = lo + rnd.nextInt(hi - lo + 1);
      int b = lo + rnd.nextInt(hi - lo + 1);
      int from = Math.min(a, b);
      int to = Math.max(a, b);
      int step = 1 + rnd.nextInt(Math.max(1, (hi - lo) / 2) + 2);
      String text;
      switch (kind) {
        case 0 -> {
          text = "*";
          from = lo;
          to = hi;
          step = 1;
        }
        case 1 -> {
          text = "*/" + step;
          from = lo;
          to = hi;
        }
        case 2 -> {
          text = String.valueOf(a);
          from = a;
          to = a;
          step = 1;
        }
        case 3 -> {
          text = from + "-" + to;
          step = 1;
        }
        case 4 -> text = from + "-" + to + "/" + step;
        default -> {
          if (names.isEmpty()) {
            text = String.valueOf(a);
            from = a;
            to = a;
            step = 1;
          } else {
            int offset = lo; // JAN = 1, SUN = 0
            int x = rnd.nextInt(names.size());
            int y = rnd.nextInt(names.size());
            String nx = randomCase(rnd, names.get(x));
            String ny = randomCase(rnd, names.get(y));
            step = 1;
            if (names == DAYS && y == 0 && x > 0) {
              text = nx + "-" + ny; // ends in SUN: up to 7
              from = x;
              to = 7;
            } else if (rnd.nextBoolean()) {
              text = nx;
              from = x + offset;
              to = from;
            } else {
              text =
                  randomCase(rnd, names.get(Math.min(x, y)))
                      + "-"
                      + randomCase(rnd, names.get(Math.max(x, y)));
              from = Math.min(x, y) + offset;
              to = Math.max(x, y) + offset;
            }
          }
        }
      }
      for (int i = from; i <= to; i += step) {
        values[i] = true;
      }
      parts.add(text);
    }
    if (hi == 7) { // day of week: 7 is Sunday
      values[0] |= values[7];
    }
    return new Field(String.join(",", parts), values);
  }

  private static String randomCase(Random rnd, String name) {
    StringBuilder b = new StringBuilder();
    for (char c : name.toCharArray()) {
      b.append(rnd.nextBoolean() ? Character.toLowerCase(c) : c);
    }
    return b.toString();
  }

  private static Spec spec(Random rnd, boolean dstFocused) {
    Field min = field(rnd, 0, 59, List.of(), 30);
    Field hour =
        dstFocused && rnd.nextInt(100) < 60 ? smallHours(rnd) : field(rnd, 0, 23, List.of(), 30);
    Field dom = field(rnd, 1, 31, List.of(), dstFocused ? 85 : 50);
    Field month = field(rnd, 1, 12, MONTHS, dstFocused ? 90 : 50);
    Field dow = field(rnd, 0, 7, DAYS, dstFocused ? 80 : 50);
    String text = String.join(" ", min.text, hour.text, dom.text, month.text, dow.text);
    return new Spec(text, min, hour, dom, month, dow);
  }

  /** Hours around typical transition times (00:00-04:00), so gaps and overlaps get hit. */
  private static Field smallHours(Random rnd) {
    boolean[] values = new boolean[24];
    int a = rnd.nextInt(5);
    int b = rnd.nextInt(5);
    if (rnd.nextBoolean()) {
      values[a] = true;
      return new Field(String.valueOf(a), values);
    }
    for (int i = Math.min(a, b); i <= Math.max(a, b); i++) {
      values[i] = true;
    }
    return new Field(Math.min(a, b) + "-" + Math.max(a, b), values);
  }

  // --- UTC: brute force is exact -----------------------------------------------------------

  @Test
  void randomExpressionsInUtcMatchTheBruteForceReference() {
    Random rnd = new Random(20260329L);
    Instant base = Instant.parse("2000-01-01T00:00:00Z");
    for (int i = 0; i < 400; i++) {
      Spec spec = spec(rnd, false);
      CronSchedule schedule = CronSchedule.parse(spec.text);
      Instant after = base.plusSeconds((long) (rnd.nextDouble() * 40 * 365 * 86_400));
      int count = 1 + rnd.nextInt(30);
      List<Instant> actual = schedule.nextFireTimes(ZoneOffset.UTC, after, count);

      Instant windowEnd = after.plus(Duration.ofDays(9 * 366));
      List<Instant> expected = bruteForceUtc(spec, after, windowEnd, count);
      List<Instant> actualInWindow = actual.stream().filter(t -> !t.isAfter(windowEnd)).toList();
      assertThat(actualInWindow).as("%s after %s", spec.text, after).isEqualTo(expected);
      if (expected.size() == count) {
        assertThat(actual).as("%s after %s", spec.text, after).hasSize(count);
      }
      assertThat(actual).isSorted().doesNotHaveDuplicates();
      assertThat(actual).allSatisfy(t -> assertThat(t).isAfter(after));
      assertThat(actual).allSatisfy(t -> assertThat(t.getEpochSecond() % 60).isZero());
      assertThat(actual).allSatisfy(t -> assertThat(t.getNano()).isZero());
    }
  }

  private static List<Instant> bruteForceUtc(Spec spec, Instant after, Instant end, int count) {
    List<Instant> out = new ArrayList<>();
    LocalDateTime t =
        LocalDateTime.ofInstant(after, ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
    LocalDateTime stop = LocalDateTime.ofInstant(end, ZoneOffset.UTC);
    t = t.plusMinutes(1);
    while (!t.isAfter(stop) && out.size() < count) {
      if (!spec.dayMatches(t)) { // a day that cannot match: skip it whole
        t = t.toLocalDate().plusDays(1).atStartOfDay();
        continue;
      }
      if (spec.matches(t)) {
        out.add(t.toInstant(ZoneOffset.UTC));
      }
      t = t.plusMinutes(1);
    }
    return out;
  }

  // --- DST zones: reference of cronie's rules, minute by minute in real time ---------------

  @Test
  void randomExpressionsAroundTransitionsFollowTheDstRules() {
    Random rnd = new Random(20261025L);
    List<ZoneId> zones =
        List.of(
            ZoneId.of("Europe/Amsterdam"),
            ZoneId.of("America/New_York"),
            ZoneId.of("Australia/Lord_Howe"),
            ZoneId.of("Pacific/Chatham"),
            ZoneId.of("America/Sao_Paulo"),
            ZoneId.of("Europe/London"),
            ZoneId.of("Asia/Kolkata"));
    Instant base = Instant.parse("2012-01-01T00:00:00Z");
    for (int i = 0; i < 300; i++) {
      ZoneId zone = zones.get(rnd.nextInt(zones.size()));
      ZoneRules rules = zone.getRules();
      Instant pick = base.plusSeconds((long) (rnd.nextDouble() * 15 * 365 * 86_400));
      ZoneOffsetTransition tr = rules.nextTransition(pick);
      Instant center = tr == null ? pick : tr.getInstant();
      // `after` from a day before to 3 hours after the transition, at any second.
      Instant after = center.minus(Duration.ofDays(1)).plusSeconds(rnd.nextInt(27 * 3600));
      Instant windowEnd = center.plus(Duration.ofDays(2));
      Spec spec = spec(rnd, true);
      CronSchedule schedule = CronSchedule.parse(spec.text);

      List<Instant> actual = new ArrayList<>();
      Instant cursor = after;
      while (true) {
        Instant next = schedule.nextFireTime(zone, cursor).orElse(null);
        if (next == null || next.isAfter(windowEnd)) {
          break;
        }
        actual.add(next);
        cursor = next;
      }
      assertThat(actual)
          .as("%s in %s after %s (transition %s)", spec.text, zone, after, tr)
          .isEqualTo(bruteForceDst(spec, zone, after, windowEnd));
    }
  }

  /**
   * Cronie's rules, stated per real minute: a wildcard job fires when the wall clock matches; a
   * fixed-time job fires when the wall clock matches and this is the first time that wall-clock
   * minute occurs, or when this minute ends a gap in which some skipped minute matches.
   */
  private static List<Instant> bruteForceDst(Spec spec, ZoneId zone, Instant after, Instant end) {
    ZoneRules rules = zone.getRules();
    List<Instant> out = new ArrayList<>();
    for (Instant t = after.truncatedTo(ChronoUnit.MINUTES).plusSeconds(60);
        !t.isAfter(end);
        t = t.plusSeconds(60)) {
      LocalDateTime local = LocalDateTime.ofInstant(t, zone);
      boolean fires;
      if (!spec.fixed()) {
        fires = spec.matches(local);
      } else {
        boolean first = ZonedDateTime.ofLocal(local, zone, null).toInstant().equals(t);
        fires = first && spec.matches(local);
        ZoneOffsetTransition tr = rules.nextTransition(t.minusSeconds(1));
        if (!fires && tr != null && tr.getInstant().equals(t) && tr.isGap()) {
          for (LocalDateTime m = tr.getDateTimeBefore();
              m.isBefore(tr.getDateTimeAfter());
              m = m.plusMinutes(1)) {
            fires |= spec.matches(m);
          }
        }
      }
      if (fires) {
        out.add(t);
      }
    }
    return out;
  }

  // --- cost --------------------------------------------------------------------------------

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void tenThousandSchedulesComputeTheirNextFiresQuickly() {
    Random rnd = new Random(42);
    ZoneId zone = ZoneId.of("Europe/Amsterdam");
    Instant after = Instant.parse("2026-03-28T12:00:00Z");
    int fires = 0;
    for (int i = 0; i < 10_000; i++) {
      CronSchedule schedule = CronSchedule.parse(spec(rnd, false).text);
      fires += schedule.nextFireTimes(zone, after, 10).size();
    }
    assertThat(fires).isPositive();
    // The worst case, a schedule that never fires, is answered without a long search.
    CronSchedule never = CronSchedule.parse("0 0 30 2 *");
    for (int i = 0; i < 10_000; i++) {
      assertThat(never.nextFireTime(zone, after)).isEmpty();
    }
  }
}
