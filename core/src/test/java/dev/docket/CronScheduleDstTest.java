package dev.docket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cronie's DST rules on real zones, with exact instants.
 *
 * <p>Europe/Amsterdam: gap 2026-03-29 02:00 CET -> 03:00 CEST (01:00Z), overlap 2026-10-25 03:00
 * CEST -> 02:00 CET (01:00Z). America/New_York: gap 2026-03-08 02:00 EST -> 03:00 EDT (07:00Z),
 * overlap 2026-11-01 02:00 EDT -> 01:00 EST (06:00Z). Australia/Lord_Howe (30-minute shift): gap
 * 2026-10-04 02:00 -> 02:30 (+10:30 -> +11), overlap 2026-04-05 01:30-02:00 repeats.
 * Pacific/Chatham: gap 2026-09-27 02:45 -> 03:45 (+12:45 -> +13:45), overlap 2026-04-05
 * 02:45-03:45.
 */
class CronScheduleDstTest {

  private static final String AMS = "Europe/Amsterdam";
  private static final String NY = "America/New_York";
  private static final String LH = "Australia/Lord_Howe";
  private static final String CH = "Pacific/Chatham";
  private static final String SP = "America/Sao_Paulo";

  private static List<Instant> next(String expression, String zone, String after, int count) {
    return CronSchedule.parse(expression)
        .nextFireTimes(ZoneId.of(zone), Instant.parse(after), count);
  }

  private static List<Instant> instants(String... values) {
    return Arrays.stream(values).map(Instant::parse).toList();
  }

  @Test
  void fixedTimeInTheGapFiresOnceAtTheEndOfTheGap() {
    assertThat(next("30 2 * * *", AMS, "2026-03-28T12:00:00Z", 2))
        .isEqualTo(instants("2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"));
  }

  @Test
  void severalFixedTimesInOneGapStillFireOnce() {
    assertThat(next("0,30 2 * * *", AMS, "2026-03-28T12:00:00Z", 3))
        .isEqualTo(
            instants("2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z", "2026-03-30T00:30:00Z"));
    assertThat(next("* 2-3 * * *", AMS, "2026-03-29T00:58:00Z", 1))
        .as("minute * is a wildcard job: no catch-up, 03:00 fires by itself")
        .containsExactly(Instant.parse("2026-03-29T01:00:00Z"));
  }

  @Test
  void gapFireAndAMatchRightAfterTheGapAreOneFire() {
    assertThat(next("0 2,3 * * *", AMS, "2026-03-28T12:00:00Z", 2))
        .isEqualTo(instants("2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"));
    // 02:30 is in the gap (fires at 03:00), 03:30 exists and fires too.
    assertThat(next("30 2,3 * * *", AMS, "2026-03-28T12:00:00Z", 3))
        .isEqualTo(
            instants("2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"));
  }

  @Test
  void fixedTimeOnAnotherDayIsNotCaughtUpInTheGap() {
    // Monday-only job: the Sunday gap must not fire it.
    assertThat(next("30 2 * * MON", AMS, "2026-03-28T12:00:00Z", 1))
        .containsExactly(Instant.parse("2026-03-30T00:30:00Z"));
  }

  @Test
  void wildcardJobsSkipTheGap() {
    assertThat(next("*/30 * * * *", AMS, "2026-03-29T00:00:00Z", 3))
        .isEqualTo(
            instants("2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"));
    assertThat(next("30 * * * *", AMS, "2026-03-29T00:00:00Z", 2))
        .isEqualTo(instants("2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z"));
    assertThat(next("* 2 * * *", AMS, "2026-03-28T12:00:00Z", 1))
        .containsExactly(Instant.parse("2026-03-30T00:00:00Z"));
    assertThat(next("@hourly", AMS, "2026-03-29T00:30:00Z", 2))
        .isEqualTo(instants("2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"));
  }

  @Test
  void fixedTimeInTheOverlapFiresOnlyInTheFirstPass() {
    assertThat(next("30 2 * * *", AMS, "2026-10-24T12:00:00Z", 2))
        .isEqualTo(instants("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"));
    assertThat(next("0 2 * * *", AMS, "2026-10-24T12:00:00Z", 2))
        .isEqualTo(instants("2026-10-25T00:00:00Z", "2026-10-26T01:00:00Z"));
    assertThat(next("0 3 * * *", AMS, "2026-10-24T12:00:00Z", 1))
        .containsExactly(Instant.parse("2026-10-25T02:00:00Z"));
  }

  @Test
  void fixedTimeDoesNotRefireWhenTheSearchStartsInTheSecondPass() {
    // 01:10Z is 02:10 CET, second pass; 02:30 ran at 00:30Z in the first pass.
    assertThat(next("30 2 * * *", AMS, "2026-10-25T01:10:00Z", 1))
        .containsExactly(Instant.parse("2026-10-26T01:30:00Z"));
    // 00:40Z is 02:40 CEST, first pass, after the job's time.
    assertThat(next("30 2 * * *", AMS, "2026-10-25T00:40:00Z", 1))
        .containsExactly(Instant.parse("2026-10-26T01:30:00Z"));
    // A fixed time after the repeated hour still fires on that day.
    assertThat(next("30 3 * * *", AMS, "2026-10-25T01:10:00Z", 1))
        .containsExactly(Instant.parse("2026-10-25T02:30:00Z"));
    // Starting in the first pass before the job's time: it fires in the first pass.
    assertThat(next("45 2 * * *", AMS, "2026-10-25T00:40:00Z", 1))
        .containsExactly(Instant.parse("2026-10-25T00:45:00Z"));
  }

  @Test
  void wildcardJobsFireInBothPasses() {
    assertThat(next("*/15 * * * *", AMS, "2026-10-24T23:59:00Z", 9))
        .isEqualTo(
            instants(
                "2026-10-25T00:00:00Z",
                "2026-10-25T00:15:00Z",
                "2026-10-25T00:30:00Z",
                "2026-10-25T00:45:00Z",
                "2026-10-25T01:00:00Z",
                "2026-10-25T01:15:00Z",
                "2026-10-25T01:30:00Z",
                "2026-10-25T01:45:00Z",
                "2026-10-25T02:00:00Z"));
    assertThat(next("15 * * * *", AMS, "2026-10-24T23:59:00Z", 3))
        .isEqualTo(
            instants("2026-10-25T00:15:00Z", "2026-10-25T01:15:00Z", "2026-10-25T02:15:00Z"));
    assertThat(next("* 2 * * *", AMS, "2026-10-25T00:58:00Z", 3))
        .isEqualTo(
            instants("2026-10-25T00:59:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:01:00Z"));
    assertThat(next("0 */1 * * *", AMS, "2026-10-24T23:30:00Z", 3))
        .isEqualTo(
            instants("2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"));
  }

  @Test
  void newYorkGap() {
    assertThat(next("30 2 * * *", NY, "2026-03-07T12:00:00Z", 3))
        .isEqualTo(
            instants("2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"));
    assertThat(next("0 9 * * *", NY, "2026-03-07T12:00:00Z", 2))
        .isEqualTo(instants("2026-03-07T14:00:00Z", "2026-03-08T13:00:00Z"));
  }

  @Test
  void newYorkOverlap() {
    assertThat(next("30 1 * * *", NY, "2026-10-31T12:00:00Z", 2))
        .isEqualTo(instants("2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"));
    assertThat(next("30 1 * * *", NY, "2026-11-01T06:00:00Z", 1))
        .containsExactly(Instant.parse("2026-11-02T06:30:00Z"));
    assertThat(next("@hourly", NY, "2026-11-01T04:30:00Z", 3))
        .isEqualTo(
            instants("2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z"));
  }

  @Test
  void halfHourGap() {
    // Transition at 2026-10-03T15:30Z (02:30 +11:00).
    assertThat(next("15 2 * * *", LH, "2026-10-03T12:00:00Z", 2))
        .isEqualTo(instants("2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"));
    assertThat(next("0,15 2 * * *", LH, "2026-10-03T12:00:00Z", 2))
        .isEqualTo(instants("2026-10-03T15:30:00Z", "2026-10-04T15:00:00Z"));
    assertThat(next("45 2 * * *", LH, "2026-10-03T12:00:00Z", 1))
        .containsExactly(Instant.parse("2026-10-03T15:45:00Z"));
    assertThat(next("*/10 * * * *", LH, "2026-10-03T15:20:00Z", 2))
        .isEqualTo(instants("2026-10-03T15:30:00Z", "2026-10-03T15:40:00Z"));
  }

  @Test
  void halfHourOverlap() {
    // 01:30-01:59 repeats: first pass 14:30Z-14:59Z (+11), second 15:00Z-15:29Z (+10:30).
    assertThat(next("45 1 * * *", LH, "2026-04-04T12:00:00Z", 2))
        .isEqualTo(instants("2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"));
    assertThat(next("45 1 * * *", LH, "2026-04-04T15:05:00Z", 1))
        .containsExactly(Instant.parse("2026-04-05T15:15:00Z"));
    assertThat(next("15 1 * * *", LH, "2026-04-04T12:00:00Z", 1))
        .containsExactly(Instant.parse("2026-04-04T14:15:00Z"));
    assertThat(next("*/15 * * * *", LH, "2026-04-04T14:29:00Z", 5))
        .isEqualTo(
            instants(
                "2026-04-04T14:30:00Z",
                "2026-04-04T14:45:00Z",
                "2026-04-04T15:00:00Z",
                "2026-04-04T15:15:00Z",
                "2026-04-04T15:30:00Z"));
  }

  @Test
  void gapAtQuarterToThree() {
    // Transition at 2026-09-26T14:00Z (03:45 +13:45).
    assertThat(next("0 3 * * *", CH, "2026-09-26T12:00:00Z", 2))
        .isEqualTo(instants("2026-09-26T14:00:00Z", "2026-09-27T13:15:00Z"));
    assertThat(next("50 2 * * *", CH, "2026-09-26T12:00:00Z", 1))
        .containsExactly(Instant.parse("2026-09-26T14:00:00Z"));
    assertThat(next("30 2 * * *", CH, "2026-09-26T12:00:00Z", 1))
        .containsExactly(Instant.parse("2026-09-26T13:45:00Z"));
    assertThat(next("0 4 * * *", CH, "2026-09-26T12:00:00Z", 1))
        .containsExactly(Instant.parse("2026-09-26T14:15:00Z"));
  }

  @Test
  void overlapAtQuarterToFour() {
    // 02:45-03:44 repeats: first pass 13:00Z-13:59Z (+13:45), second 14:00Z-14:59Z (+12:45).
    assertThat(next("0 3 * * *", CH, "2026-04-04T12:00:00Z", 2))
        .isEqualTo(instants("2026-04-04T13:15:00Z", "2026-04-05T14:15:00Z"));
    assertThat(next("0 * * * *", CH, "2026-04-04T13:00:00Z", 3))
        .isEqualTo(
            instants("2026-04-04T13:15:00Z", "2026-04-04T14:15:00Z", "2026-04-04T15:15:00Z"));
  }

  @Test
  void midnightGapFiresAtOneInTheMorning() {
    // 2018-11-04 00:00 -03 -> 01:00 -02 (03:00Z): midnight does not exist that day.
    assertThat(next("0 0 * * *", SP, "2018-11-03T00:00:00Z", 3))
        .isEqualTo(
            instants("2018-11-03T03:00:00Z", "2018-11-04T03:00:00Z", "2018-11-05T02:00:00Z"));
    assertThat(next("@daily", SP, "2018-11-03T12:00:00Z", 1))
        .containsExactly(Instant.parse("2018-11-04T03:00:00Z"));
  }

  @Test
  void overlapBeforeMidnightRunsFixedTimesOnce() {
    // 2018-02-18 00:00 -02 -> 2018-02-17 23:00 -03 (02:00Z): 23:xx of the 17th repeats.
    assertThat(next("30 23 * * *", SP, "2018-02-17T12:00:00Z", 2))
        .isEqualTo(instants("2018-02-18T01:30:00Z", "2018-02-19T02:30:00Z"));
  }

  @Test
  void zoneWithoutDstIsPlainArithmetic() {
    assertThat(next("30 2 * * *", "Asia/Kolkata", "2026-03-28T12:00:00Z", 2))
        .isEqualTo(instants("2026-03-28T21:00:00Z", "2026-03-29T21:00:00Z"));
  }

  @Test
  void leapDayInAZone() {
    assertThat(next("0 0 29 2 *", "Europe/Amsterdam", "2026-01-01T00:00:00Z", 1))
        .containsExactly(Instant.parse("2028-02-28T23:00:00Z"));
  }
}
