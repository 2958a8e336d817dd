package dev.docket.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.Docket;
import dev.docket.Job;
import dev.docket.JobRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * A Docket node in its own JVM, for tests that kill it with SIGKILL. Modes:
 *
 * <ul>
 *   <li>{@code submit-h2 DIR N}: submits N jobs on the H2 store in DIR, printing each id once its
 *       submit returned, then waits to be killed;
 *   <li>{@code run-h2 DIR} / {@code run-pg PREFIX}: runs jobs of function {@code slow}, recording
 *       each start in the {@code runs} table, and never finishing them.
 * </ul>
 */
public final class ChildNode {

  private ChildNode() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "submit-h2" -> submit(Path.of(args[1]), Integer.parseInt(args[2]));
      case "run-h2" -> run(JdbcStore.h2(Path.of(args[1])), null, "runs");
      case "run-pg" -> {
        HikariDataSource ds = PostgresDatabase.pool(6);
        run(JdbcStore.builder(ds).tablePrefix(args[1]).build(), ds, args[1] + "runs");
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  private static void submit(Path dir, int n) throws InterruptedException {
    Docket d = Docket.builder().store(JdbcStore.h2(dir)).producerOnly().build();
    for (int i = 0; i < n; i++) {
      Job j = d.jobs().submit(JobRequest.builder("anything").build());
      System.out.println("SUBMITTED " + j.id());
      System.out.flush();
    }
    new CountDownLatch(1).await();
  }

  private static void run(JdbcStore store, DataSource runsDb, String runsTable) throws InterruptedException {
    Docket.builder()
        .store(store)
        .nodeId("child")
        .workers("default", 4)
        .prefetch(0)
        .leaseDuration(Duration.ofSeconds(3))
        .heartbeatInterval(Duration.ofMillis(500))
        .handler(
            "slow",
            ctx -> {
              if (runsDb != null) {
                record(runsDb, runsTable, ctx.jobId().value());
              }
              System.out.println("STARTED " + ctx.jobId());
              System.out.flush();
              new CountDownLatch(1).await(10, TimeUnit.MINUTES);
              return null;
            })
        .build()
        .start();
    System.out.println("READY");
    System.out.flush();
    new CountDownLatch(1).await();
  }

  static void record(DataSource ds, String table, String jobId) throws Exception {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement("INSERT INTO " + table + " (job_id, node, started_at) VALUES (?, ?, clock_timestamp())")) {
      ps.setString(1, jobId);
      ps.setString(2, System.getProperty("docket.node", "child"));
      ps.executeUpdate();
    }
  }
}
