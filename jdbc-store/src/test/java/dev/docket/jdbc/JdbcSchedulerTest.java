package dev.docket.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.Docket;
import dev.docket.Job;
import dev.docket.JobStatus;
import dev.docket.ScheduledTask;
import dev.docket.TaskSpec;
import dev.docket.action.MessageSender;
import dev.docket.internal.engine.Engines;
import dev.docket.testkit.ManualDocket;
import dev.docket.testkit.MutableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scheduled tasks on real databases: the threaded loop on H2, exactly-once fires across nodes. */
class JdbcSchedulerTest {

  private static final String ARGS =
      "{\"room_id\": \"room-…\", \"content\": {\"msgtype\": \"swp.text\", \"body\": \"Monday status check\"}}";

  @TempDir Path dir;

  @Test
  void theSchedulerLoopFiresOnH2AndTheTaskSurvivesARestart() {
    MutableClock clock = MutableClock.at(Instant.parse("2026-11-30T07:59:30Z"));
    List<String> sent = new CopyOnWriteArrayList<>();
    MessageSender sender = (room, content) -> sent.add(room + " " + content.get("body").asText());
    ScheduledTask t;
    try (Docket d = Docket.builder().store(JdbcStore.h2(dir)).clock(clock).messageSender(sender).build().start()) {
      t =
          d.scheduler()
              .create(
                  TaskSpec.builder("Weekly status update", "0 9 * * MON", "send_message")
                      .timezone("Europe/Amsterdam")
                      .args(ARGS)
                      .build());
      assertThat(t.nextRunAt()).contains(Instant.parse("2026-11-30T08:00:00Z"));
      clock.advance(Duration.ofSeconds(30));
      Engines.of(d).wakeUp();
      await().atMost(Duration.ofSeconds(20)).until(() -> sent.size() == 1);
      assertThat(sent).containsExactly("room-… Monday status check");
      await().until(() -> d.scheduler().get(t.id()).lastStatus().orElse(JobStatus.QUEUED) == JobStatus.SUCCEEDED);
    }
    try (Docket again = Docket.builder().store(JdbcStore.h2(dir)).clock(clock).messageSender(sender).build()) {
      ScheduledTask back = again.scheduler().get(t.id());
      assertThat(back.lastRunAt()).contains(Instant.parse("2026-11-30T08:00:00Z"));
      assertThat(back.nextRunAt()).contains(Instant.parse("2026-12-07T08:00:00Z"));
      assertThat(back.args().get("room_id").asText()).isEqualTo("room-…");
    }
  }

  /**
   * Three engines on one PostgreSQL database and one controllable clock: 500 tasks firing every
   * minute over a simulated hour give exactly one fire and one job per task per minute.
   */
  @Test
  @RequiresPostgres
  @Tag("multinode")
  void threeNodesFireEachTaskOncePerMinuteForAnHour() throws Exception {
    String prefix = PostgresDatabase.newPrefix();
    int tasks = 500;
    int minutes = 60;
    MutableClock clock = MutableClock.at(Instant.parse("2026-12-01T10:00:30Z"));
    MessageSender sender = (room, content) -> {};
    List<AutoCloseable> open = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(3);
    try {
      List<ManualDocket> nodes = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        HikariDataSource pool = PostgresDatabase.pool(4);
        open.add(pool);
        ManualDocket node =
            ManualDocket.of(
                Docket.builder()
                    .store(JdbcStore.builder(pool).tablePrefix(prefix).build())
                    .nodeId("node-" + i)
                    .producerOnly()
                    .messageSender(sender),
                clock);
        open.add(0, node);
        nodes.add(node);
      }
      for (int i = 0; i < tasks; i++) {
        nodes.get(i % 3).scheduler().create(TaskSpec.builder("t" + i, "* * * * *", "send_message").args(ARGS).build());
      }
      int fires = 0;
      for (int minute = 1; minute <= minutes; minute++) {
        clock.advance(Duration.ofMinutes(1));
        CyclicBarrier start = new CyclicBarrier(3);
        List<Future<Integer>> runs = new ArrayList<>();
        for (ManualDocket n : nodes) {
          runs.add(
              threads.submit(
                  () -> {
                    start.await();
                    int count = 0;
                    for (int got = n.fireSchedules(); got > 0; got = n.fireSchedules()) {
                      count += got;
                    }
                    return count;
                  }));
        }
        int thisMinute = 0;
        for (Future<Integer> f : runs) {
          thisMinute += f.get(60, TimeUnit.SECONDS);
        }
        assertThat(thisMinute).as("fires in minute %d", minute).isEqualTo(tasks);
        fires += thisMinute;
      }
      assertThat(fires).isEqualTo(tasks * minutes);

      Map<Long, Integer> jobsPerTask = new TreeMap<>();
      try (Connection c = java.sql.DriverManager.getConnection(PostgresDatabase.URL);
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT correlation_id, COUNT(*), COUNT(DISTINCT id) FROM " + prefix
                      + "jobs GROUP BY correlation_id")) {
        int groups = 0;
        while (rs.next()) {
          groups++;
          assertThat(rs.getInt(2)).as("jobs of %s", rs.getString(1)).isEqualTo(minutes);
          assertThat(rs.getInt(3)).isEqualTo(minutes);
          jobsPerTask.merge((long) rs.getInt(2), 1, Integer::sum);
        }
        assertThat(groups).isEqualTo(tasks);
      }
      Job any = nodes.get(0).jobs().list(dev.docket.JobFilter.all(), 1).items().get(0);
      assertThat(any.function()).isEqualTo("send_message");
    } finally {
      threads.shutdownNow();
      for (AutoCloseable c : open) {
        c.close();
      }
      PostgresDatabase.dropTables(prefix);
    }
  }

  /**
   * Two engines that run the fires' queue, on one PostgreSQL database, fire at the same instant
   * 5 s ahead: each holds the fires it carried out (SKIP LOCKED splits the tasks), no node claims
   * the other's, and at the minute every fire runs exactly once.
   */
  @Test
  @RequiresPostgres
  @Tag("multinode")
  void twoNodesHoldTheFiresTheyCarryOutAndEachRunsOnce() throws Exception {
    String prefix = PostgresDatabase.newPrefix();
    int tasks = 200;
    MutableClock clock = MutableClock.at(Instant.parse("2026-12-01T10:00:30Z"));
    java.util.concurrent.atomic.AtomicInteger sends = new java.util.concurrent.atomic.AtomicInteger();
    MessageSender sender = (room, content) -> sends.incrementAndGet();
    List<AutoCloseable> open = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      List<ManualDocket> nodes = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        HikariDataSource pool = PostgresDatabase.pool(4);
        open.add(pool);
        ManualDocket node =
            ManualDocket.of(
                Docket.builder()
                    .store(JdbcStore.builder(pool).tablePrefix(prefix).leaseClock(LeaseClock.ENGINE).build())
                    .nodeId("node-" + i)
                    .workers("default", 4)
                    .messageSender(sender),
                clock);
        Engines.of(node.docket()).holdFiresWhenManual(true);
        open.add(0, node);
        nodes.add(node);
      }
      for (int i = 0; i < tasks; i++) {
        nodes.get(i % 2).scheduler().create(TaskSpec.builder("t" + i, "* * * * *", "send_message").args(ARGS).build());
      }
      clock.set(Instant.parse("2026-12-01T10:00:57Z"));
      CyclicBarrier start = new CyclicBarrier(2);
      List<Future<Integer>> firing = new ArrayList<>();
      for (ManualDocket n : nodes) {
        firing.add(threads.submit(() -> {
          start.await();
          int count = 0;
          for (int got = n.fireSchedules(); got > 0; got = n.fireSchedules()) {
            count += got;
          }
          return count;
        }));
      }
      int fired = 0;
      for (Future<Integer> f : firing) {
        fired += f.get(60, TimeUnit.SECONDS);
      }
      assertThat(fired).isEqualTo(tasks);
      int held = 0;
      for (ManualDocket n : nodes) {
        held += Engines.of(n.docket()).heldCount();
        assertThat(n.runDue()).as("nothing before the minute").isZero();
      }
      assertThat(held).as("every fire held by the node that carried it out").isEqualTo(tasks);

      clock.set(Instant.parse("2026-12-01T10:01:00Z"));
      CyclicBarrier atMinute = new CyclicBarrier(2);
      List<Future<?>> running = new ArrayList<>();
      for (ManualDocket n : nodes) {
        running.add(threads.submit(() -> {
          atMinute.await();
          while (Engines.of(n.docket()).heldCount() > 0) {
            n.runDueAndWait();
          }
          return null;
        }));
      }
      for (Future<?> f : running) {
        f.get(60, TimeUnit.SECONDS);
      }
      try (Connection c = java.sql.DriverManager.getConnection(PostgresDatabase.URL);
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'SUCCEEDED' AND attempts = 1) FROM "
                      + prefix + "jobs")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(tasks);
        assertThat(rs.getInt(2)).as("each ran once, in its first attempt").isEqualTo(tasks);
      }
      assertThat(sends.get()).as("each action ran once").isEqualTo(tasks);
    } finally {
      threads.shutdownNow();
      for (AutoCloseable c : open) {
        c.close();
      }
      PostgresDatabase.dropTables(prefix);
    }
  }
}
