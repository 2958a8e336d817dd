package dev.docket.jdbc;

import static dev.docket.testkit.Jobs.aJob;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.docket.JobError;
import dev.docket.JobEvent;
import dev.docket.JobId;
import dev.docket.JobStatus;
import dev.docket.NodeId;
import dev.docket.memory.InMemoryStore;
import dev.docket.spi.ClaimRequest;
import dev.docket.spi.ClaimedJob;
import dev.docket.spi.Completion;
import dev.docket.spi.NewJob;
import dev.docket.spi.Outcome;
import dev.docket.spi.Store;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job created QUEUED keeps its happy-path history in its row (schema v6, {@code
 * history_implicit}): its creation, its first attempt's start and success write no {@code
 * job_events} rows. Every other transition first writes the implied entries. The oracle is the
 * in-memory store, which stores every entry: each scenario runs on both and the histories must be
 * equal, entry for entry.
 */
class ImplicitHistoryTest {

  static final Instant T0 = dev.docket.testkit.MutableClock.DEFAULT_START;
  static final NodeId NODE = NodeId.of("node-a");
  static final Duration LEASE = Duration.ofSeconds(30);

  abstract static class Contract {
    Store jdbc;
    InMemoryStore memory;
    HikariDataSource pool;
    String prefix = "docket_";

    abstract HikariDataSource openPool();

    abstract Store openStore(HikariDataSource pool);

    @BeforeEach
    void open() {
      pool = openPool();
      jdbc = openStore(pool);
      memory = new InMemoryStore();
    }

    @AfterEach
    void close() {
      jdbc.close();
      memory.close();
      pool.close();
      dropTables();
    }

    void dropTables() {}

    long storedEvents(JobId id) throws Exception {
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery("SELECT COUNT(*) FROM " + prefix + "job_events WHERE job_id = '" + id.value() + "'")) {
        rs.next();
        return rs.getLong(1);
      }
    }

    /** Runs the scenario on both stores; returns the history, equal on both. */
    List<JobEvent> onBoth(NewJob job, Function<Store, Object> scenario) {
      for (Store s : List.of(memory, jdbc)) {
        assertThat(s.jobs().insert(job, "carol").inserted()).isTrue();
        scenario.apply(s);
      }
      List<JobEvent> expected = memory.jobs().events(job.id());
      assertThat(jdbc.jobs().events(job.id())).isEqualTo(expected);
      // the same job too (by its text: the JSON arguments come back as other number node types)
      assertThat(jdbc.jobs().find(job.id()).orElseThrow()).hasToString(memory.jobs().find(job.id()).orElseThrow().toString());
      return expected;
    }

    static ClaimedJob claim(Store s, Instant at) {
      List<ClaimedJob> c = s.jobs().claim(new ClaimRequest(NODE, "default", 1, at, LEASE));
      assertThat(c).hasSize(1);
      return c.get(0);
    }

    static Outcome ok() {
      return new Outcome.Succeeded(JsonNodeFactory.instance.objectNode().put("ok", true));
    }

    @Test
    void theHappyPathWritesNoHistoryRowsAndReadsTheSame() throws Exception {
      NewJob job = aJob().build();
      List<JobEvent> h =
          onBoth(job, s -> s.jobs().complete(claim(s, T0.plusMillis(5)).lease(), ok(), T0.plusMillis(9)));
      assertThat(h).extracting(JobEvent::to).containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED);
      assertThat(h.get(0).by()).isEqualTo("carol");
      assertThat(h.get(1).detail()).isEqualTo("attempt 1 on node-a");
      assertThat(storedEvents(job.id())).isZero();
      assertThat(jdbc.jobs().find(job.id()).orElseThrow().node()).isEmpty();
    }

    @Test
    void queuedAndRunningJobsWriteNoHistoryRows() throws Exception {
      NewJob queued = aJob().build();
      onBoth(queued, s -> null);
      NewJob running = aJob().build();
      onBoth(running, s -> claim(s, T0.plusMillis(1)));
      assertThat(storedEvents(queued.id())).isZero();
      assertThat(storedEvents(running.id())).isZero();
    }

    @Test
    void aBatchOfSuccessesWritesNoHistoryRows() throws Exception {
      List<NewJob> jobs = List.of(aJob().build(), aJob().build(), aJob().build());
      for (Store s : List.of(memory, jdbc)) {
        s.jobs().insertAll(jobs, "carol");
        List<ClaimedJob> claimed = s.jobs().claim(new ClaimRequest(NODE, "default", 3, T0.plusMillis(1), LEASE));
        assertThat(claimed).hasSize(3);
        s.jobs().completeAll(claimed.stream().map(c -> new Completion(c.lease(), ok(), T0.plusMillis(2))).toList());
      }
      for (NewJob j : jobs) {
        assertThat(jdbc.jobs().events(j.id())).isEqualTo(memory.jobs().events(j.id())).hasSize(3);
        assertThat(storedEvents(j.id())).isZero();
      }
    }

    @Test
    void aFailureWritesTheImpliedEntriesFirst() throws Exception {
      NewJob job = aJob().build();
      List<JobEvent> h =
          onBoth(
              job,
              s -> s.jobs().complete(
                  claim(s, T0.plusMillis(1)).lease(),
                  new Outcome.Failed(JobError.of("Boom", "it broke")),
                  T0.plusMillis(2)));
      assertThat(h).extracting(JobEvent::to).containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED);
      assertThat(storedEvents(job.id())).isEqualTo(3);
    }

    @Test
    void aRetryThenASecondAttemptKeepsEveryEntry() throws Exception {
      NewJob job = aJob().build();
      List<JobEvent> h =
          onBoth(
              job,
              s -> {
                ClaimedJob first = claim(s, T0.plusMillis(1));
                s.jobs().complete(first.lease(),
                    new Outcome.RetryLater(JobError.of("Flaky", "try again"), T0.plusSeconds(1)), T0.plusMillis(2));
                s.jobs().promoteDue(T0.plusSeconds(1), 10);
                ClaimedJob second = claim(s, T0.plusSeconds(1));
                return s.jobs().complete(second.lease(), ok(), T0.plusSeconds(2));
              });
      assertThat(h).extracting(JobEvent::to)
          .containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SCHEDULED, JobStatus.QUEUED,
              JobStatus.RUNNING, JobStatus.SUCCEEDED);
      assertThat(h.get(4).detail()).isEqualTo("attempt 2 on node-a");
      assertThat(storedEvents(job.id())).isEqualTo(6);
    }

    @Test
    void cancellingAQueuedJob() throws Exception {
      NewJob job = aJob().build();
      List<JobEvent> h = onBoth(job, s -> s.jobs().requestCancel(job.id(), T0.plusMillis(3), "dave"));
      assertThat(h).extracting(JobEvent::to).containsExactly(JobStatus.QUEUED, JobStatus.CANCELLED);
      assertThat(storedEvents(job.id())).isEqualTo(2);
    }

    @Test
    void cancellingARunningJobThenItsEnd() {
      NewJob job = aJob().build();
      List<JobEvent> h =
          onBoth(
              job,
              s -> {
                ClaimedJob c = claim(s, T0.plusMillis(1));
                s.jobs().requestCancel(job.id(), T0.plusMillis(2), "dave");
                return s.jobs().complete(c.lease(), new Outcome.Cancelled("stopped"), T0.plusMillis(3));
              });
      assertThat(h).extracting(JobEvent::to)
          .containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RUNNING, JobStatus.CANCELLED);
    }

    @Test
    void aReleasedJobAndItsNextAttempt() {
      NewJob job = aJob().build();
      onBoth(
          job,
          s -> {
            s.jobs().complete(claim(s, T0.plusMillis(1)).lease(), new Outcome.Released("shutting down"), T0.plusMillis(2));
            return s.jobs().complete(claim(s, T0.plusMillis(3)).lease(), ok(), T0.plusMillis(4));
          });
    }

    @Test
    void anExpiredLeaseIsReclaimedWithItsHistory() {
      NewJob job = aJob().build();
      List<JobEvent> h =
          onBoth(
              job,
              s -> {
                claim(s, T0.plusMillis(1));
                assertThat(s.jobs().reclaimExpired(T0.plus(LEASE).plusSeconds(1), 10)).hasSize(1);
                return s.jobs().complete(claim(s, T0.plus(LEASE).plusSeconds(2)).lease(), ok(), T0.plus(LEASE).plusSeconds(3));
              });
      assertThat(h).extracting(JobEvent::to)
          .containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED);
    }

    @Test
    void aJobCreatedScheduledStoresItsHistoryFromTheStart() throws Exception {
      NewJob job = aJob().dueAt(T0.plusSeconds(5)).build();
      onBoth(
          job,
          s -> {
            s.jobs().promoteDue(T0.plusSeconds(5), 10);
            return s.jobs().complete(claim(s, T0.plusSeconds(5)).lease(), ok(), T0.plusSeconds(6));
          });
      assertThat(storedEvents(job.id())).isEqualTo(4);
    }

    @Test
    void concurrentCancelsWriteTheImpliedEntriesOnce() throws Exception {
      NewJob job = aJob().build();
      jdbc.jobs().insert(job, "carol");
      claim(jdbc, T0.plusMillis(1));
      int threads = 8;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          all.add(pool.submit(() -> {
            go.await();
            return jdbc.jobs().requestCancel(job.id(), T0.plusMillis(2), "dave");
          }));
        }
        go.countDown();
        for (Future<?> f : all) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
      assertThat(jdbc.jobs().events(job.id())).extracting(JobEvent::to)
          .containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RUNNING);
      assertThat(storedEvents(job.id())).isEqualTo(3);
    }
  }

  @Nested
  class OnH2 extends Contract {
    @TempDir Path dir;

    @Override
    HikariDataSource openPool() {
      return H2.pool(dir);
    }

    @Override
    Store openStore(HikariDataSource pool) {
      return JdbcStore.builder(pool).leaseClock(LeaseClock.ENGINE).build();
    }
  }

  @Nested
  @RequiresPostgres
  class OnPostgres extends Contract {
    @Override
    HikariDataSource openPool() {
      prefix = PostgresDatabase.newPrefix();
      return PostgresDatabase.pool(10);
    }

    @Override
    Store openStore(HikariDataSource pool) {
      return JdbcStore.builder(pool).tablePrefix(prefix).leaseClock(LeaseClock.ENGINE).build();
    }

    @Override
    void dropTables() {
      PostgresDatabase.dropTables(prefix);
    }
  }
}
