package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Syntax, validation and matching of {@link CronSchedule} in UTC (no DST). */
class CronScheduleTest {

  private static final ZoneId UTC = ZoneOffset.UTC;

  private static List<Instant> next(String expression, String after, int count) {
    return CronSchedule.parse(expression).nextFireTimes(UTC, Instant.parse(after), count);
  }

  private static List<Instant> instants(String... values) {
    return java.util.Arrays.stream(values).map(Instant::parse).toList();
  }

  private static void rejects(String expression, String message) {
    assertThatThrownBy(() -> CronSchedule.parse(expression))
        .isInstanceOfSatisfying(
            InvalidScheduleException.class,
            e -> {
              assertThat(e.field()).isEqualTo("schedule");
              assertThat(e).isInstanceOf(InvalidRequestException.class);
              assertThat(e.getMessage()).isEqualTo("schedule: " + message);
            });
  }

  // --- parsing: accepted forms -------------------------------------------------------------

  @Test
  void expressionIsKeptTrimmedAndDefinesEquality() {
    CronSchedule s = CronSchedule.parse("  0 9 * * MON \t");
    assertThat(s.expression()).isEqualTo("0 9 * * MON");
    assertThat(s.toString()).isEqualTo("0 9 * * MON");
    assertThat(s).isEqualTo(CronSchedule.parse("0 9 * * MON"));
    assertThat(s.hashCode()).isEqualTo(CronSchedule.parse("0 9 * * MON").hashCode());
    assertThat(s).isNotEqualTo(CronSchedule.parse("0 9 * * 1"));
    assertThat(CronSchedule.parse("@daily")).isNotEqualTo(CronSchedule.parse("0 0 * * *"));
  }

  @Test
  void fieldsMaySeparateWithTabsAndSeveralBlanks() {
    assertThat(next("0\t9  *   * *", "2026-01-01T00:00:00Z", 1))
        .containsExactly(Instant.parse("2026-01-01T09:00:00Z"));
  }

  @Test
  void listsRangesAndSteps() {
    assertThat(next("5,10-12,50-59/4 * * * *", "2026-01-01T00:00:00Z", 8))
        .isEqualTo(
            instants(
                "2026-01-01T00:05:00Z",
                "2026-01-01T00:10:00Z",
                "2026-01-01T00:11:00Z",
                "2026-01-01T00:12:00Z",
                "2026-01-01T00:50:00Z",
                "2026-01-01T00:54:00Z",
                "2026-01-01T00:58:00Z",
                "2026-01-01T01:05:00Z"));
    assertThat(next("*/20 */12 * * *", "2026-01-01T00:00:00Z", 4))
        .isEqualTo(
            instants(
                "2026-01-01T00:20:00Z",
                "2026-01-01T00:40:00Z",
                "2026-01-01T12:00:00Z",
                "2026-01-01T12:20:00Z"));
  }

  @Test
  void stepsLargerThanTheFieldSelectOnlyTheFirstValue() {
    assertThat(next("*/90 0 * * *", "2026-01-01T00:00:00Z", 2))
        .isEqualTo(instants("2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"));
    assertThat(next("10-20/1000 0 * * *", "2026-01-01T00:00:00Z", 1))
        .containsExactly(Instant.parse("2026-01-01T00:10:00Z"));
  }

  @Test
  void stepsInDayAndMonthStartAtOne() {
    // */10 in day-of-month is 1, 11, 21, 31; */5 in month is 1, 6, 11.
    assertThat(next("0 0 */10 */5 *", "2026-01-01T00:00:00Z", 5))
        .isEqualTo(
            instants(
                "2026-01-11T00:00:00Z",
                "2026-01-21T00:00:00Z",
                "2026-01-31T00:00:00Z",
                "2026-06-01T00:00:00Z",
                "2026-06-11T00:00:00Z"));
  }

  @Test
  void monthAndDayNamesInAnyCaseAndInRanges() {
    // 2026-01-05 is a Monday.
    assertThat(next("0 8 * jan-Feb mOn-wed", "2026-01-05T08:00:00Z", 3))
        .isEqualTo(
            instants("2026-01-06T08:00:00Z", "2026-01-07T08:00:00Z", "2026-01-12T08:00:00Z"));
    assertThat(next("0 0 1 DEC,mar *", "2026-01-01T00:00:00Z", 2))
        .isEqualTo(instants("2026-03-01T00:00:00Z", "2026-12-01T00:00:00Z"));
  }

  @Test
  void zeroAndSevenAreBothSunday() {
    // 2026-01-04 is a Sunday.
    List<Instant> sundays = instants("2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z");
    assertThat(next("0 0 * * 0", "2026-01-01T00:00:00Z", 2)).isEqualTo(sundays);
    assertThat(next("0 0 * * 7", "2026-01-01T00:00:00Z", 2)).isEqualTo(sundays);
    assertThat(next("0 0 * * SUN", "2026-01-01T00:00:00Z", 2)).isEqualTo(sundays);
    assertThat(next("0 0 * * 6-7", "2026-01-01T00:00:00Z", 3))
        .isEqualTo(
            instants("2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-10T00:00:00Z"));
  }

  @Test
  void weekdayRangeEndingInSundayEndsAtSeven() {
    // FRI-SUN = 5-7; 2026-01-02 is a Friday.
    assertThat(next("0 0 * * FRI-SUN", "2026-01-01T00:00:00Z", 4))
        .isEqualTo(
            instants(
                "2026-01-02T00:00:00Z",
                "2026-01-03T00:00:00Z",
                "2026-01-04T00:00:00Z",
                "2026-01-09T00:00:00Z"));
    assertThat(next("0 0 * * 5-0", "2026-01-01T00:00:00Z", 3))
        .isEqualTo(
            instants("2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"));
  }

  @Test
  void weekdayRangeStartingWithSundayStartsAtZero() {
    // SUN-THU = 0-4; 2026-01-02 (Fri) and 01-03 (Sat) are skipped.
    assertThat(next("0 0 * * SUN-THU", "2026-01-01T00:00:00Z", 3))
        .isEqualTo(
            instants("2026-01-04T00:00:00Z", "2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z"));
  }

  @Test
  void restrictedDayOfMonthAndDayOfWeekMatchEither() {
    // 2026-05: Fri 1st, Mon 4th ... the 15th is a Friday; 16/17 weekend.
    assertThat(next("0 12 1,15 * MON-FRI", "2026-05-14T12:00:00Z", 4))
        .isEqualTo(
            instants(
                "2026-05-15T12:00:00Z",
                "2026-05-18T12:00:00Z",
                "2026-05-19T12:00:00Z",
                "2026-05-20T12:00:00Z"));
    // 2026-08-01 and 08-15 are Saturdays: they fire through the day-of-month.
    assertThat(next("0 12 1,15 * MON-FRI", "2026-07-31T12:00:00Z", 2))
        .isEqualTo(instants("2026-08-01T12:00:00Z", "2026-08-03T12:00:00Z"));
    assertThat(next("0 12 13 * FRI", "2026-02-01T00:00:00Z", 3))
        .isEqualTo(
            instants("2026-02-06T12:00:00Z", "2026-02-13T12:00:00Z", "2026-02-20T12:00:00Z"));
  }

  @Test
  void aDayFieldBeginningWithStarMakesBothMatch() {
    // */2 in day-of-month (odd days) AND Friday: 2026-01-02 is even, 01-09 odd.
    assertThat(next("0 0 */2 * FRI", "2026-01-01T00:00:00Z", 3))
        .isEqualTo(
            instants("2026-01-09T00:00:00Z", "2026-01-23T00:00:00Z", "2026-02-13T00:00:00Z"));
    // 13th AND */7 in day-of-week (Sunday): Friday the 13th does not count.
    assertThat(next("0 0 13 * */7", "2026-01-01T00:00:00Z", 2))
        .isEqualTo(instants("2026-09-13T00:00:00Z", "2026-12-13T00:00:00Z"));
    // Plain * in day-of-week: only the day of month matters.
    assertThat(next("0 0 13 * *", "2026-01-01T00:00:00Z", 2))
        .isEqualTo(instants("2026-01-13T00:00:00Z", "2026-02-13T00:00:00Z"));
  }

  @Test
  void macros() {
    String from = "2026-05-14T12:34:00Z";
    assertThat(next("@yearly", from, 1)).containsExactly(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(next("@annually", from, 1)).containsExactly(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(next("@monthly", from, 1)).containsExactly(Instant.parse("2026-06-01T00:00:00Z"));
    assertThat(next("@weekly", from, 1)).containsExactly(Instant.parse("2026-05-17T00:00:00Z"));
    assertThat(next("@daily", from, 1)).containsExactly(Instant.parse("2026-05-15T00:00:00Z"));
    assertThat(next("@midnight", from, 1)).containsExactly(Instant.parse("2026-05-15T00:00:00Z"));
    assertThat(next("@hourly", from, 2))
        .isEqualTo(instants("2026-05-14T13:00:00Z", "2026-05-14T14:00:00Z"));
  }

  @ParameterizedTest
  @CsvSource({
    "30 2 * * *, true",
    "0 0-23/2 * * *, true",
    "'0,30 9-17 * * *', true",
    "@daily, true",
    "@weekly, true",
    "@yearly, true",
    "* 2 * * *, false",
    "15 * * * *, false",
    "*/15 * * * *, false",
    "0 */2 * * *, false",
    "@hourly, false",
  })
  void fixedTimeMeansNeitherMinuteNorHourBeginsWithStar(String expression, boolean fixed) {
    assertThat(CronSchedule.parse(expression).isFixedTime()).isEqualTo(fixed);
  }

  // --- fire times -------------------------------------------------------------------------

  @Test
  void fireTimesAreStrictlyAfterAndWholeMinutes() {
    assertThat(next("* * * * *", "2026-01-01T00:00:00Z", 2))
        .isEqualTo(instants("2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z"));
    assertThat(next("* * * * *", "2026-01-01T00:00:59.999Z", 1))
        .containsExactly(Instant.parse("2026-01-01T00:01:00Z"));
    assertThat(next("30 * * * *", "2026-01-01T00:29:30Z", 1))
        .containsExactly(Instant.parse("2026-01-01T00:30:00Z"));
    assertThat(next("30 * * * *", "2026-01-01T00:30:00.001Z", 1))
        .containsExactly(Instant.parse("2026-01-01T01:30:00Z"));
  }

  @Test
  void rollsOverHoursDaysMonthsAndYears() {
    assertThat(next("59 23 31 12 *", "2026-06-01T00:00:00Z", 2))
        .isEqualTo(instants("2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z"));
    assertThat(next("0 0 31 * *", "2026-01-31T00:00:00Z", 3))
        .isEqualTo(
            instants("2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z"));
  }

  @Test
  void leapDayFiresOnlyInLeapYears() {
    assertThat(next("0 0 29 2 *", "2026-01-01T00:00:00Z", 2))
        .isEqualTo(instants("2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"));
    // 2100 is not a leap year.
    assertThat(next("0 0 29 2 *", "2096-03-01T00:00:00Z", 1))
        .containsExactly(Instant.parse("2104-02-29T00:00:00Z"));
  }

  @Test
  void rareButPossibleSchedulesAreFoundDecadesAhead() {
    // Feb 29 on a Sunday (AND, because day-of-week begins with *): 2032, then 2060.
    assertThat(next("0 0 29 2 */7", "2026-01-01T00:00:00Z", 2))
        .isEqualTo(instants("2032-02-29T00:00:00Z", "2060-02-29T00:00:00Z"));
    // Across 2100 the gap is 40 years.
    assertThat(next("0 0 29 2 */7", "2089-01-01T00:00:00Z", 1))
        .containsExactly(Instant.parse("2128-02-29T00:00:00Z"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0 0 30 2 *", "0 0 31 4,6,9,11 *", "0 0 30-31 feb *", "0 0 30 2 */2"})
  void impossibleDatesNeverFire(String expression) {
    CronSchedule s = CronSchedule.parse(expression);
    assertThat(s.nextFireTime(UTC, Instant.parse("2026-01-01T00:00:00Z"))).isEmpty();
    assertThat(s.nextFireTimes(UTC, Instant.parse("2026-01-01T00:00:00Z"), 5)).isEmpty();
  }

  @Test
  void impossibleDayOfMonthStillFiresOnTheWeekdayUnderTheOrRule() {
    // 2026-04-06 is a Monday.
    assertThat(next("0 0 31 4 MON", "2026-01-01T00:00:00Z", 1))
        .containsExactly(Instant.parse("2026-04-06T00:00:00Z"));
  }

  @Test
  void nextFireTimeAgreesWithTheFirstOfNextFireTimes() {
    CronSchedule s = CronSchedule.parse("0 12 1,15 * MON-FRI");
    Instant after = Instant.parse("2026-05-14T12:00:00Z");
    assertThat(s.nextFireTime(UTC, after)).contains(s.nextFireTimes(UTC, after, 1).get(0));
  }

  @Test
  void nextFireTimesReturnsUpToAThousand() {
    List<Instant> times = next("* * * * *", "2026-01-01T00:00:00Z", 1000);
    assertThat(times).hasSize(1000);
    assertThat(times.get(999)).isEqualTo(Instant.parse("2026-01-01T16:40:00Z"));
    assertThat(times).isSorted().doesNotHaveDuplicates();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 1001})
  void countOutOfRangeIsRejected(int count) {
    CronSchedule s = CronSchedule.parse("@daily");
    assertThatThrownBy(() -> s.nextFireTimes(UTC, Instant.EPOCH, count))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.field()).isEqualTo("count");
              assertThat(e.getMessage())
                  .isEqualTo("count: must be between 1 and 1000, was " + count);
            });
  }

  @Test
  void afterOutsideTheSupportedYearsIsRejected() {
    CronSchedule s = CronSchedule.parse("@daily");
    for (Instant bad : List.of(Instant.MIN, Instant.MAX, Instant.parse("-0001-12-31T00:00:00Z"))) {
      assertThatThrownBy(() -> s.nextFireTime(UTC, bad))
          .isInstanceOfSatisfying(
              InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("after"));
    }
    assertThat(s.nextFireTime(UTC, Instant.parse("9999-12-30T12:00:00Z"))).isEmpty();
    assertThat(s.nextFireTime(UTC, Instant.parse("0000-01-01T00:00:00Z")))
        .contains(Instant.parse("0000-01-02T00:00:00Z"));
  }

  @Test
  void nullArgumentsAreRejected() {
    CronSchedule s = CronSchedule.parse("@daily");
    assertThatThrownBy(() -> s.nextFireTime(null, Instant.EPOCH))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("zone");
    assertThatThrownBy(() -> s.nextFireTimes(UTC, null, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("after");
    rejects(null, "must not be null");
  }

  // --- parsing: rejections ----------------------------------------------------------------

  @Test
  void blankAndWrongFieldCountsAreRejected() {
    rejects(
        "", "must not be blank; write 5 fields such as '0 9 * * MON' or a macro such as @daily");
    rejects(
        " \t ",
        "must not be blank; write 5 fields such as '0 9 * * MON' or a macro such as @daily");
    rejects(
        "0 9 * *",
        "expected 5 fields (minute hour day-of-month month day-of-week) or a macro such as @daily,"
            + " but '0 9 * *' has 4");
    rejects(
        "0 0 9 * * MON",
        "expected 5 fields (minute hour day-of-month month day-of-week) or a macro such as @daily,"
            + " but '0 0 9 * * MON' has 6");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "61 * * * *      | minute field '61' is out of range 0-59",
        "60 * * * *      | minute field '60' is out of range 0-59",
        "0 24 * * *      | hour field '24' is out of range 0-23",
        "0 1-25 * * *    | hour field '1-25': '25' is out of range 0-23",
        "0 0 0 * *       | day-of-month field '0' is out of range 1-31",
        "0 0 32 * *      | day-of-month field '32' is out of range 1-31",
        "0 0 * 0 *       | month field '0' is out of range 1-12",
        "0 0 * 13 *      | month field '13' is out of range 1-12",
        "0 0 * * 8       | day-of-week field '8' is out of range 0-7",
        "0 0 * * 1,9     | day-of-week field '1,9': '9' is out of range 0-7",
        "99999999999 * * * * | minute field '99999999999' is out of range 0-59",
      })
  void outOfRangeValuesAreRejected(String expression, String message) {
    rejects(expression, message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "5-1 * * * *     | minute field '5-1' is a reversed range; write the lower value first",
        "0 0 * DEC-JAN * | month field 'DEC-JAN' is a reversed range; write the lower value first",
        "0 0 * * 3-1/2   | day-of-week field '3-1/2' is a reversed range; write the lower value"
            + " first",
        "*/0 * * * *     | minute field '*/0' has step 0; a step must be at least 1",
        "0 1-5/0 * * *   | hour field '1-5/0' has step 0; a step must be at least 1",
        "*/x * * * *     | minute field '*/x' has a step 'x' that is not a number",
        "*/ * * * *      | minute field '*/' has a step '' that is not a number",
        "5/10 * * * *    | minute field '5/10' has a step after a single value; write 5-59/10 or"
            + " */10",
        "0 0 1/2 * *     | day-of-month field '1/2' has a step after a single value; write 1-31/2"
            + " or */2",
        "1,,2 * * * *    | minute field '1,,2' has an empty list element",
        "1, * * * *      | minute field '1,' has an empty list element",
        "x * * * *       | minute field 'x' is not a number",
        "0 JAN * * *     | hour field 'JAN' is not a number",
        "0 0 * JANUARY * | month field 'JANUARY' is not a number or a month name (JAN-DEC)",
        "0 0 * * MONDAY  | day-of-week field 'MONDAY' is not a number or a day name (SUN-SAT)",
        "0 0 * MON *     | month field 'MON' is not a number or a month name (JAN-DEC)",
        "0 0 * * JAN     | day-of-week field 'JAN' is not a number or a day name (SUN-SAT)",
        "-5 * * * *      | minute field '-5' is an incomplete range; write it as low-high",
        "5- * * * *      | minute field '5-' is an incomplete range; write it as low-high",
        "1-2-3 * * * *   | minute field '1-2-3': '2-3' is not a number",
        "** * * * *      | minute field '**' is not a number",
        "*5 * * * *      | minute field '*5' is not a number",
        "+5 * * * *      | minute field '+5' is not a number",
        "0 0 * * 1/MON   | day-of-week field '1/MON' has a step 'MON' that is not a number",
        "0 0 ? * *       | day-of-month field '?' is not a number",
        "0 0 L * *       | day-of-month field 'L' is not a number",
      })
  void malformedFieldsAreRejectedNamingTheField(String expression, String message) {
    rejects(expression, message);
  }

  @Test
  void macroRejections() {
    rejects(
        "@reboot",
        "@reboot is not supported: schedules follow the clock and there is no boot event; use a"
            + " time such as @daily");
    rejects(
        "@fortnightly",
        "unknown macro '@fortnightly'; use @yearly, @annually, @monthly, @weekly, @daily,"
            + " @midnight or @hourly (lower case), or 5 fields");
    rejects(
        "@DAILY",
        "unknown macro '@DAILY'; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or"
            + " @hourly (lower case), or 5 fields");
    rejects("@daily 0", "macro @daily stands alone, but '@daily 0' has more");
  }

  @Test
  void longGarbageIsAbbreviatedInTheMessage() {
    assertThatThrownBy(() -> CronSchedule.parse("x".repeat(500) + " * * * *"))
        .isInstanceOf(InvalidScheduleException.class)
        .hasMessageStartingWith("schedule: minute field '" + "x".repeat(40) + "…'")
        .hasMessageNotContaining("x".repeat(41));
  }

  // --- zones ------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"Europe/Amsterdam", "UTC", "America/New_York", "Asia/Kolkata", "Etc/UTC"})
  void zoneAcceptsIanaIds(String id) {
    assertThat(CronSchedule.zone(id)).isEqualTo(ZoneId.of(id));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Mars/Olympus",
        "",
        " ",
        "+25:00",
        "+02:00",
        "Z",
        "UTC+1",
        "europe/amsterdam",
        "PST"
      })
  void zoneRejectsUnknownIdsAndOffsets(String id) {
    assertThatThrownBy(() -> CronSchedule.zone(id))
        .isInstanceOfSatisfying(
            InvalidScheduleException.class,
            e -> {
              assertThat(e.field()).isEqualTo("timezone");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "timezone: '"
                          + id
                          + "' is not a known IANA time zone id (such as Europe/Amsterdam or UTC)");
            });
  }

  @Test
  void zoneRejectsNull() {
    assertThatThrownBy(() -> CronSchedule.zone(null))
        .isInstanceOf(InvalidScheduleException.class)
        .hasMessage("timezone: must not be null");
  }

  @Test
  void fixedOffsetZoneWithoutDst() {
    // Asia/Kolkata is +05:30 all year.
    ZoneId kolkata = ZoneId.of("Asia/Kolkata");
    assertThat(
            CronSchedule.parse("30 9 * * *")
                .nextFireTimes(kolkata, Instant.parse("2026-03-29T00:00:00Z"), 2))
        .isEqualTo(instants("2026-03-29T04:00:00Z", "2026-03-30T04:00:00Z"));
    assertThat(
            CronSchedule.parse("0 0 1 1 *")
                .nextFireTime(kolkata, Instant.parse("2026-06-01T00:00:00Z")))
        .contains(Instant.parse("2026-12-31T18:30:00Z"));
  }
}
