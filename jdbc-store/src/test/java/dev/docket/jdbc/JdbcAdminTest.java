package dev.docket.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.Docket;
import dev.docket.Job;
import dev.docket.JobFilter;
import dev.docket.JobRequest;
import dev.docket.JobStatus;
import dev.docket.MetricsSnapshot;
import dev.docket.QueueInfo;
import dev.docket.testkit.ManualDocket;
import dev.docket.testkit.MutableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Admin operations on real databases: pause across nodes, purge under load, metrics. */
class JdbcAdminTest {

  @TempDir Path dir;

  @Test
  void adminOperationsWorkOnH2() {
    MutableClock clock = MutableClock.start();
    try (ManualDocket m =
        ManualDocket.of(
            Docket.builder().store(JdbcStore.h2(dir)).workers("default", 2).prefetch(0).handler("noop", ctx -> null),
            clock)) {
      m.admin().pause("default");
      Job j = m.jobs().submit(JobRequest.builder("noop").build());
      assertThat(m.runDueAndWait()).isZero();
      assertThat(m.admin().queues()).contains(new QueueInfo("default", true, 2));
      m.admin().resume("default");
      assertThat(m.runDueAndWait()).isEqualTo(1);
      assertThat(m.jobs().get(j.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
      MetricsSnapshot s = m.admin().metrics();
      assertThat(s.byFunction()).anyMatch(f -> f.function().equals("noop") && f.succeeded() == 1);
      clock.advance(Duration.ofDays(1));
      assertThat(m.admin().purge(Duration.ofHours(1), Set.of())).isEqualTo(1);
      assertThat(m.jobs().find(j.id())).isEmpty();
      assertThat(m.admin().nodes()).hasSize(1);
    }
  }

  /** Node A pauses a queue; node B, which has the workers, claims nothing from it until resumed. */
  @Test
  @RequiresPostgres
  @Tag("multinode")
  void aPauseOnOneNodeIsHonouredByAnother() {
    String prefix = PostgresDatabase.newPrefix();
    MutableClock clock = MutableClock.start();
    try (HikariDataSource poolA = PostgresDatabase.pool(4);
        HikariDataSource poolB = PostgresDatabase.pool(4);
        ManualDocket a =
            ManualDocket.of(
                Docket.builder().store(JdbcStore.builder(poolA).tablePrefix(prefix).build()).nodeId("a").producerOnly(),
                clock);
        ManualDocket b =
            ManualDocket.of(
                Docket.builder()
                    .store(JdbcStore.builder(poolB).tablePrefix(prefix).build())
                    .nodeId("b")
                    .workers("mail", 2)
                    .prefetch(0)
                    .handler("send", ctx -> null),
                clock)) {
      a.admin().pause("mail");
      Job j = a.jobs().submit(JobRequest.builder("send").queue("mail").build());
      assertThat(b.runDueAndWait()).isZero();
      assertThat(b.jobs().get(j.id()).status()).isEqualTo(JobStatus.QUEUED);
      assertThat(b.admin().isPaused("mail")).isTrue();
      assertThat(a.admin().queues()).contains(new QueueInfo("mail", true, 2));
      a.admin().resume("mail");
      assertThat(b.runDueAndWait()).isEqualTo(1);
      assertThat(b.jobs().get(j.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    } finally {
      PostgresDatabase.dropTables(prefix);
    }
  }

  /** 100,000 finished jobs are purged in batches while workers keep running new ones. */
  @Test
  @RequiresPostgres
  @Tag("slow")
  void purgesAHundredThousandFinishedJobsInBatchesWhileWorkersRun() throws Exception {
    String prefix = PostgresDatabase.newPrefix();
    int old = 100_000;
    int live = 3_000;
    try (HikariDataSource pool = PostgresDatabase.pool(10)) {
      try (Docket d =
          Docket.builder()
              .store(JdbcStore.builder(pool).tablePrefix(prefix).build())
              .workers("default", 4)
              .handler("work", ctx -> null)
              .build()) {
        try (Connection c = DriverManager.getConnection(PostgresDatabase.URL);
            Statement s = c.createStatement()) {
          s.execute(
              "INSERT INTO " + prefix + "jobs (id, function_name, queue, status, priority, args, attempts,"
                  + " max_attempts, owner_id, cancel_requested, created_at, scheduled_at, started_at, finished_at)"
                  + " SELECT 'old-' || g, 'work', 'default', CASE WHEN g % 10 = 0 THEN 'FAILED' ELSE 'SUCCEEDED' END,"
                  + " 0, '{}', 1, 1, 'alice', FALSE, now() - interval '3 days', now() - interval '3 days',"
                  + " now() - interval '3 days', now() - interval '2 days' FROM generate_series(1, " + old + ") g");
          s.execute(
              "INSERT INTO " + prefix + "job_events (job_id, at, from_status, to_status, by_principal, detail)"
                  + " SELECT 'old-' || g, now() - interval '3 days', NULL, 'QUEUED', 'alice', ''"
                  + " FROM generate_series(1, " + old + ") g");
          s.execute("ANALYZE " + prefix + "jobs");
        }
        d.start();
        List<JobRequest> batch = new ArrayList<>();
        for (int i = 0; i < live; i++) {
          batch.add(JobRequest.builder("work").build());
        }
        CompletableFuture<List<Job>> submitted = CompletableFuture.supplyAsync(() -> d.jobs().submitAll(batch));
        long deleted = d.admin().purge(Duration.ofDays(1), Set.of());
        assertThat(deleted).isEqualTo(old);
        List<Job> jobs = submitted.get(60, TimeUnit.SECONDS);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> d.jobs().list(JobFilter.all().status(JobStatus.SUCCEEDED), 500).items().size() == 500
                && d.jobs().depth("default").total() == 0);
        assertThat(jobs).hasSize(live);
        try (Connection c = DriverManager.getConnection(PostgresDatabase.URL);
            Statement s = c.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT (SELECT COUNT(*) FROM " + prefix + "jobs WHERE id LIKE 'old-%'),"
                        + " (SELECT COUNT(*) FROM " + prefix + "job_events WHERE job_id LIKE 'old-%'),"
                        + " (SELECT COUNT(*) FROM " + prefix + "jobs WHERE status = 'SUCCEEDED')")) {
          rs.next();
          assertThat(rs.getLong(1)).isZero();
          assertThat(rs.getLong(2)).isZero();
          assertThat(rs.getLong(3)).isEqualTo(live);
        }
      }
    } finally {
      PostgresDatabase.dropTables(prefix);
    }
  }
}
