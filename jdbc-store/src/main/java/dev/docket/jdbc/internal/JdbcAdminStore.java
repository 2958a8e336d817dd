package dev.docket.jdbc.internal;

import static dev.docket.jdbc.internal.Dialect.TimedSet.FINISHED;
import static dev.docket.jdbc.internal.JobRows.ts;

import dev.docket.JobStatus;
import dev.docket.spi.AdminStore;
import dev.docket.spi.FinishedCount;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * {@link AdminStore} on H2 or PostgreSQL. A purge batch is one short transaction; on PostgreSQL
 * one statement that picks its rows {@code FOR UPDATE SKIP LOCKED} and deletes them with their
 * history and approval requests, so it never waits for, or blocks, the workers for long. (Purges
 * on two nodes may queue behind each other for a moment: the listing trigger of V010 updates the
 * {@code job_batches} rows their jobs share, in a fixed order.)
 */
public final class JdbcAdminStore implements AdminStore {

  private final Db db;
  private final JdbcJobStore.Signals signals;

  public JdbcAdminStore(Db db, JdbcJobStore.Signals signals) {
    this.db = db;
    this.signals = signals;
  }

  @Override
  public void setPaused(String queue, boolean paused, String by, Instant now) {
    String sql =
        db.dialect() instanceof Dialect.Postgres
            ? "INSERT INTO <prefix>queues (queue, paused, updated_at, updated_by) VALUES (:q, :p, :now, :by)"
                + " ON CONFLICT (queue) DO UPDATE SET paused = EXCLUDED.paused, updated_at = EXCLUDED.updated_at,"
                + " updated_by = EXCLUDED.updated_by"
            : "MERGE INTO <prefix>queues (queue, paused, updated_at, updated_by) KEY (queue) VALUES (:q, :p, :now, :by)";
    db.write(
        h -> {
          int n =
              h.createUpdate(sql)
                  .bind("q", queue)
                  .bind("p", paused)
                  .bind("now", ts(now))
                  .bind("by", JobRows.truncate(by, 128))
                  .execute();
          if (!paused) {
            signals.work(h, queue); // other nodes claim from a resumed queue at once (NOTIFY)
          }
          return n;
        });
  }

  @Override
  public Set<String> pausedQueues() {
    return db.read(
        h ->
            new TreeSet<>(
                h.createQuery("SELECT queue FROM <prefix>queues WHERE paused = TRUE").mapTo(String.class).list()));
  }

  @Override
  public int purge(Instant finishedBefore, Set<JobStatus> statuses, int limit) {
    List<String> names = statuses.stream().filter(JobStatus::isTerminal).map(JobStatus::name).sorted().toList();
    if (names.isEmpty()) {
      return 0;
    }
    if (db.dialect() instanceof Dialect.Postgres) {
      String sql =
          "WITH doomed AS (SELECT id FROM <prefix>jobs WHERE finished_at < :cut AND status IN (<statuses>)"
              + " ORDER BY finished_at LIMIT :limit FOR UPDATE SKIP LOCKED),"
              + " ev AS (DELETE FROM <prefix>job_events e USING doomed d WHERE e.job_id = d.id),"
              + " ap AS (DELETE FROM <prefix>approvals a USING doomed d WHERE a.job_id = d.id RETURNING a.id),"
              + " aa AS (DELETE FROM <prefix>approval_approvers x USING ap WHERE x.request_id = ap.id),"
              + " del AS (DELETE FROM <prefix>jobs j USING doomed d WHERE j.id = d.id RETURNING j.id)"
              + " SELECT COUNT(*) FROM del";
      return db.write(
          h ->
              h.createQuery(sql)
                  .bind("cut", ts(finishedBefore))
                  .bindList("statuses", names)
                  .bind("limit", limit)
                  .mapTo(Integer.class)
                  .one());
    }
    return db.write(
        h -> {
          // the doomed jobs, with the keys of their correlation listing rows (V009)
          List<Map<String, Object>> doomed =
              h.createQuery(
                      "SELECT id, correlation_id AS corr, created_at AS at FROM <prefix>jobs WHERE "
                          + db.dialect().in(FINISHED) + " AND " + db.dialect().timeOf(FINISHED)
                          + " < :cut AND status IN (<statuses>)"
                          + " ORDER BY " + db.dialect().inTimeOrder(FINISHED) + " LIMIT :limit")
                  .bind("cut", ts(finishedBefore))
                  .bindList("statuses", names)
                  .bind("limit", limit)
                  .mapToMap()
                  .list();
          if (doomed.isEmpty()) {
            return 0;
          }
          List<String> ids = doomed.stream().map(row -> (String) row.get("id")).toList();
          h.createUpdate(
                  "DELETE FROM <prefix>approval_approvers WHERE request_id IN"
                      + " (SELECT id FROM <prefix>approvals WHERE job_id IN (<ids>))")
              .bindList("ids", ids)
              .execute();
          h.createUpdate("DELETE FROM <prefix>approvals WHERE job_id IN (<ids>)").bindList("ids", ids).execute();
          h.createUpdate("DELETE FROM <prefix>job_events WHERE job_id IN (<ids>)").bindList("ids", ids).execute();
          List<Map<String, Object>> listed = doomed.stream().filter(row -> row.get("corr") != null).toList();
          if (!listed.isEmpty()) { // each row found on its index by the job's keys
            PreparedBatch delete =
                h.prepareBatch(
                    "DELETE FROM <prefix>job_correlations WHERE correlation_id = :corr AND created_at = :at AND id = :id");
            listed.forEach(row -> delete.bindMap(row).add());
            delete.execute();
          }
          return h.createUpdate(
                  "DELETE FROM <prefix>jobs WHERE id IN (<ids>) AND finished_at < :cut AND status IN (<statuses>)")
              .bindList("ids", ids)
              .bind("cut", ts(finishedBefore))
              .bindList("statuses", names)
              .execute();
        });
  }

  @Override
  public List<FinishedCount> finishedSince(Instant since) {
    List<String> terminal = JobStatus.terminal().stream().map(JobStatus::name).sorted().toList();
    return db.read(
        h ->
            h.createQuery(
                    "SELECT queue, function_name, status, COUNT(*) FROM <prefix>jobs WHERE "
                        + db.dialect().in(FINISHED) + " AND " + db.dialect().timeOf(FINISHED) + " >= :since"
                        + " AND status IN (<statuses>) GROUP BY queue, function_name, status"
                        + " ORDER BY queue, function_name, status")
                .bind("since", ts(since))
                .bindList("statuses", terminal)
                .map(
                    (rs, ctx) ->
                        new FinishedCount(
                            rs.getString(1), rs.getString(2), JobStatus.valueOf(rs.getString(3)), rs.getLong(4)))
                .list());
  }
}
