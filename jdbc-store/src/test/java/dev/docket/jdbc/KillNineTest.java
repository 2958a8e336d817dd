package dev.docket.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.Docket;
import dev.docket.JobEvent;
import dev.docket.JobFilter;
import dev.docket.JobId;
import dev.docket.JobRequest;
import dev.docket.JobStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes, really killed with SIGKILL. */
@Tag("slow")
class KillNineTest {

  @TempDir Path dir;
  private final List<Process> children = new ArrayList<>();
  private final Opened open = new Opened();

  @AfterEach
  void tearDown() throws Exception {
    children.forEach(Process::destroyForcibly);
    open.close();
  }

  /** Starts ChildNode in a new JVM; its stdout lines arrive in the returned queue. */
  private LinkedBlockingQueue<String> child(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ChildNode.class.getName());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    children.add(p);
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException ignored) {
                // the child died
              }
            });
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  private static String awaitLine(LinkedBlockingQueue<String> lines, String prefix) throws InterruptedException {
    while (true) {
      String l = lines.poll(60, TimeUnit.SECONDS);
      if (l == null) {
        throw new AssertionError("child printed no line starting with " + prefix);
      }
      if (l.startsWith(prefix)) {
        return l;
      }
    }
  }

  private static void kill(Process p) throws InterruptedException {
    p.destroyForcibly(); // SIGKILL on Linux
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void everyAcknowledgedSubmitSurvivesAKillNineOnH2() throws Exception {
    LinkedBlockingQueue<String> lines = child("submit-h2", dir.toString(), "200");
    List<String> acknowledged = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      acknowledged.add(awaitLine(lines, "SUBMITTED ").substring("SUBMITTED ".length()));
    }
    kill(children.get(0));
    String line;
    while ((line = lines.poll()) != null) {
      if (line.startsWith("SUBMITTED ")) {
        acknowledged.add(line.substring("SUBMITTED ".length()));
      }
    }
    try (JdbcStore store = JdbcStore.h2(dir)) {
      for (String id : acknowledged) {
        assertThat(store.jobs().find(JobId.of(id))).as("acknowledged job %s", id).isPresent();
      }
    }
  }

  @Test
  void jobsOfAKilledH2NodeAreRecoveredWhenTheDatabaseIsOpenedAgain() throws Exception {
    try (JdbcStore store = JdbcStore.h2(dir)) {
      Docket producer = Docket.builder().store(store).producerOnly().build();
      List<JobRequest> batch = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        batch.add(JobRequest.builder("slow").build());
      }
      producer.jobs().submitAll(batch);
    }
    LinkedBlockingQueue<String> lines = child("run-h2", dir.toString());
    for (int i = 0; i < 4; i++) {
      awaitLine(lines, "STARTED ");
    }
    kill(children.get(0));

    Set<String> ran = ConcurrentHashMap.newKeySet();
    Docket survivor =
        Docket.builder()
            .store(JdbcStore.h2(dir))
            .heartbeatInterval(Duration.ofMillis(500))
            .leaseDuration(Duration.ofSeconds(3))
            .handler("slow", ctx -> ran.add(ctx.jobId().value()))
            .build();
    open.add(survivor);
    survivor.start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> survivor.jobs().list(JobFilter.all().status(JobStatus.SUCCEEDED), 50).items().size() == 10);
    assertThat(ran).hasSize(10);
    long takenOver =
        survivor.jobs().list(JobFilter.all(), 50).items().stream()
            .filter(j -> j.attempts() == 2)
            .count();
    assertThat(takenOver).as("the 4 jobs the killed node had started").isEqualTo(4);
  }

  @Test
  @RequiresPostgres
  void survivorTakesOverAKilledNodesJobsOnlyAfterItsLeaseAndEachEndsOnce() throws Exception {
    String prefix = open.newTablePrefix();
    HikariDataSource ds = open.add(PostgresDatabase.pool(8));
    JdbcStore store = JdbcStore.builder(ds).tablePrefix(prefix).build();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + prefix + "runs (job_id VARCHAR(128), node VARCHAR(32), started_at TIMESTAMPTZ)");
    }
    Docket producer = Docket.builder().store(store).producerOnly().build();
    List<JobRequest> batch = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      batch.add(JobRequest.builder("slow").build());
    }
    producer.jobs().submitAll(batch);

    LinkedBlockingQueue<String> lines = child("run-pg", prefix);
    for (int i = 0; i < 4; i++) {
      awaitLine(lines, "STARTED ");
    }
    kill(children.get(0));
    Timestamp killedAt;
    try (Connection c = DriverManager.getConnection(PostgresDatabase.URL);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT clock_timestamp()")) {
      rs.next();
      killedAt = rs.getTimestamp(1);
    }

    Docket survivor =
        Docket.builder()
            .store(JdbcStore.builder(ds).tablePrefix(prefix).build())
            .nodeId("survivor")
            .workers("default", 4)
            .heartbeatInterval(Duration.ofMillis(500))
            .leaseDuration(Duration.ofSeconds(3))
            .handler(
                "slow",
                ctx -> {
                  System.setProperty("docket.node", "survivor");
                  ChildNode.record(ds, prefix + "runs", ctx.jobId().value());
                  return null;
                })
            .build();
    open.add(survivor);
    survivor.start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> survivor.jobs().list(JobFilter.all().status(JobStatus.SUCCEEDED), 50).items().size() == 20);

    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      // every job ran to the end exactly once on the survivor
      try (ResultSet rs =
          s.executeQuery(
              "SELECT job_id, count(*) FROM " + prefix + "runs WHERE node = 'survivor' GROUP BY job_id")) {
        int jobs = 0;
        while (rs.next()) {
          jobs++;
          assertThat(rs.getInt(2)).isEqualTo(1);
        }
        assertThat(jobs).isEqualTo(20);
      }
      // the killed node's jobs restarted only after it died, never while it ran them
      try (ResultSet rs =
          s.executeQuery(
              "SELECT min(s.started_at) FROM " + prefix + "runs s JOIN " + prefix
                  + "runs k ON k.job_id = s.job_id AND k.node = 'child' WHERE s.node = 'survivor'")) {
        rs.next();
        assertThat(rs.getTimestamp(1)).isAfter(killedAt);
      }
    }
    List<JobEvent> history =
        survivor.jobs().list(JobFilter.all(), 50).items().stream()
            .filter(j -> j.attempts() == 2)
            .findFirst()
            .map(j -> survivor.jobs().events(j.id()))
            .orElseThrow();
    assertThat(history).extracting(JobEvent::detail).anyMatch(d -> d.contains("lease of child expired"));
  }
}
