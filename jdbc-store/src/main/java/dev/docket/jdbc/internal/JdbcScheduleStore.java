package dev.docket.jdbc.internal;

import static dev.docket.jdbc.internal.JobRows.instant;
import static dev.docket.jdbc.internal.JobRows.ts;

import dev.docket.Cursor;
import dev.docket.Job;
import dev.docket.JobId;
import dev.docket.JobStatus;
import dev.docket.MisfirePolicy;
import dev.docket.Page;
import dev.docket.ScheduledTask;
import dev.docket.TaskId;
import dev.docket.spi.ClaimRequest;
import dev.docket.spi.ClaimedJob;
import dev.docket.spi.FirePlan;
import dev.docket.spi.Fired;
import dev.docket.spi.InsertResult;
import dev.docket.spi.NewJob;
import dev.docket.spi.NewTask;
import dev.docket.spi.ScheduleStore;
import dev.docket.spi.ScheduleStore.FireResult;
import dev.docket.spi.StoreException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Handle;
import org.jspecify.annotations.Nullable;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * {@link ScheduleStore} on H2 or PostgreSQL. A fire is claimed by advancing the task's next fire
 * time with a write conditional on the old one, in the transaction that inserts the fire's job;
 * on PostgreSQL the due tasks are read {@code FOR UPDATE SKIP LOCKED}, so nodes firing at the same
 * moment share the due set instead of queueing behind each other.
 */
public final class JdbcScheduleStore implements ScheduleStore {

  private static final String COLUMNS =
      "t.id, t.name, t.schedule, t.timezone, t.action, t.args, t.enabled, t.misfire_policy, t.owner_id,"
          + " t.created_at, t.updated_at, t.next_run_at, t.last_run_at, t.last_job_id";
  private static final String SELECT_WITH_STATUS =
      "SELECT " + COLUMNS + ", j.status AS last_status FROM <prefix>tasks t"
          + " LEFT JOIN <prefix>jobs j ON j.id = t.last_job_id";

  private static RowMapper<ScheduledTask> rows(boolean withStatus) {
    return (rs, ctx) -> {
      String lastJob = rs.getString("last_job_id");
      String lastStatus = withStatus ? rs.getString("last_status") : null;
      return new ScheduledTask(
          TaskId.of(rs.getString("id")),
          rs.getString("name"),
          rs.getString("schedule"),
          ZoneId.of(rs.getString("timezone")),
          rs.getString("action"),
          JobRows.parse(rs.getString("args")),
          rs.getBoolean("enabled"),
          MisfirePolicy.valueOf(rs.getString("misfire_policy")),
          rs.getString("owner_id"),
          instant(rs, "created_at"),
          instant(rs, "updated_at"),
          Optional.ofNullable(instant(rs, "next_run_at")),
          Optional.ofNullable(instant(rs, "last_run_at")),
          Optional.ofNullable(lastJob).map(JobId::of),
          Optional.ofNullable(lastStatus).map(JobStatus::valueOf));
    };
  }

  private final Db db;
  private final JdbcJobStore jobs;

  public JdbcScheduleStore(Db db, JdbcJobStore jobs) {
    this.db = db;
    this.jobs = jobs;
  }

  @Override
  public ScheduledTask insert(NewTask n) {
    db.write(
        h ->
            h.createUpdate(
                    "INSERT INTO <prefix>tasks (id, name, schedule, timezone, action, args, enabled,"
                        + " misfire_policy, owner_id, created_at, updated_at, next_run_at) VALUES (:id,"
                        + " :name, :schedule, :zone, :action, :args, :enabled, :misfire, :owner, :at, :at,"
                        + " :next)")
                .bind("id", n.id().value())
                .bind("name", JobRows.text(n.name()))
                .bind("schedule", n.schedule())
                .bind("zone", n.timezone().getId())
                .bind("action", n.action())
                .bind("args", JobRows.json(n.args()))
                .bind("enabled", n.enabled())
                .bind("misfire", n.misfirePolicy().name())
                .bind("owner", n.owner())
                .bind("at", ts(n.createdAt()))
                .bind("next", n.nextRunAt().map(JobRows::ts).orElse(null))
                .execute());
    return find(n.id()).orElseThrow(() -> new StoreException("task " + n.id() + " vanished after insert"));
  }

  @Override
  public Optional<ScheduledTask> update(TaskId id, UnaryOperator<ScheduledTask> change) {
    return db.write(
        h -> {
          Optional<ScheduledTask> current =
              h.createQuery("SELECT " + COLUMNS + " FROM <prefix>tasks t WHERE t.id = :id" + jobs.lockClause())
                  .bind("id", id.value())
                  .map(rows(false))
                  .findOne();
          if (current.isEmpty()) {
            return Optional.<ScheduledTask>empty();
          }
          ScheduledTask c = change.apply(current.get());
          h.createUpdate(
                  "UPDATE <prefix>tasks SET name = :name, schedule = :schedule, timezone = :zone,"
                      + " action = :action, args = :args, enabled = :enabled, misfire_policy = :misfire,"
                      + " updated_at = :updated, next_run_at = :next WHERE id = :id")
              .bind("name", JobRows.text(c.name()))
              .bind("schedule", c.schedule())
              .bind("zone", c.timezone().getId())
              .bind("action", c.action())
              .bind("args", JobRows.json(c.args()))
              .bind("enabled", c.enabled())
              .bind("misfire", c.misfirePolicy().name())
              .bind("updated", ts(c.updatedAt()))
              .bind("next", c.nextRunAt().map(JobRows::ts).orElse(null))
              .bind("id", id.value())
              .execute();
          return findIn(h, id);
        });
  }

  @Override
  public boolean delete(TaskId id) {
    return db.write(
        h -> h.createUpdate("DELETE FROM <prefix>tasks WHERE id = :id").bind("id", id.value()).execute() == 1);
  }

  @Override
  public Optional<ScheduledTask> find(TaskId id) {
    return db.read(h -> findIn(h, id));
  }

  private static Optional<ScheduledTask> findIn(Handle h, TaskId id) {
    return h.createQuery(SELECT_WITH_STATUS + " WHERE t.id = :id").bind("id", id.value()).map(rows(true)).findOne();
  }

  @Override
  public Page<ScheduledTask> list(Optional<String> owner, Optional<Cursor> after, int limit) {
    StringBuilder sql = new StringBuilder(SELECT_WITH_STATUS).append(" WHERE 1 = 1");
    owner.ifPresent(o -> sql.append(" AND t.owner_id = :owner"));
    after.ifPresent(
        c -> sql.append(" AND (t.created_at < :cAt OR (t.created_at = :cAt AND t.id < :cId))"));
    sql.append(" ORDER BY ")
        .append(owner.isPresent() && db.dialect() instanceof Dialect.H2 ? "t.owner_id DESC, " : "")
        .append("t.created_at DESC, t.id DESC LIMIT :limit");
    List<ScheduledTask> found =
        db.read(
            h -> {
              Query q = h.createQuery(sql.toString()).bind("limit", limit + 1);
              owner.ifPresent(o -> q.bind("owner", o));
              after.ifPresent(c -> q.bind("cAt", ts(c.createdAt())).bind("cId", c.id()));
              return q.map(rows(true)).list();
            });
    if (found.size() <= limit) {
      return new Page<>(found, Optional.empty());
    }
    List<ScheduledTask> items = found.subList(0, limit);
    ScheduledTask last = items.get(limit - 1);
    return new Page<>(items, Optional.of(Cursor.after(last.createdAt(), last.id().value())));
  }

  @Override
  public List<Fired> fireDue(Instant now, int limit, Function<ScheduledTask, FirePlan> planner) {
    return fire(now, limit, planner, null).fired();
  }

  @Override
  public FireResult fireDueAndHold(
      Instant now, int limit, Function<ScheduledTask, FirePlan> planner, ClaimRequest hold) {
    return fire(now, limit, planner, java.util.Objects.requireNonNull(hold, "hold"));
  }

  private FireResult fire(
      Instant now, int limit, Function<ScheduledTask, FirePlan> planner, @Nullable ClaimRequest hold) {
    // H2 reads tasks_due (enabled, next_run_at) in order only when the ORDER BY is the index's
    // columns: one more column makes it read and sort every due task for each batch of 500
    String order = db.dialect() instanceof Dialect.H2 ? "t.enabled, t.next_run_at" : "t.next_run_at, t.id";
    boolean pg = db.dialect() instanceof Dialect.Postgres;
    String skip = pg ? " FOR UPDATE SKIP LOCKED" : "";
    return db.write(
        h -> {
          List<ScheduledTask> due =
              h.createQuery(
                      "SELECT " + COLUMNS + " FROM <prefix>tasks t WHERE t.enabled = TRUE"
                          + " AND t.next_run_at IS NOT NULL AND t.next_run_at <= :now ORDER BY " + order
                          + " LIMIT :limit" + skip)
                  .bind("now", ts(now))
                  .bind("limit", limit)
                  .map(rows(false))
                  .list();
          if (due.isEmpty()) {
            return new FireResult(List.of(), List.of());
          }
          List<FirePlan> plans = new ArrayList<>(due.size());
          List<NewJob> newJobs = new ArrayList<>();
          for (ScheduledTask t : due) {
            FirePlan p = planner.apply(t);
            plans.add(p);
            p.job().ifPresent(newJobs::add);
          }
          List<ClaimedJob> held = new ArrayList<>();
          List<InsertResult> inserted =
              newJobs.isEmpty()
                  ? List.of()
                  : hold == null
                      ? jobs.insertAllIn(h, newJobs, "system")
                      : jobs.insertAllHolding(h, newJobs, "system", hold, held);
          List<Fired> out = new ArrayList<>(due.size());
          int k = 0;
          for (int i = 0; i < due.size(); i++) {
            ScheduledTask t = due.get(i);
            FirePlan p = plans.get(i);
            Instant fireTime = t.nextRunAt().orElseThrow();
            Optional<InsertResult> r = p.job().isPresent() ? Optional.of(inserted.get(k++)) : Optional.empty();
            Optional<Job> job = r.map(InsertResult::job);
            ScheduledTask after =
                new ScheduledTask(
                    t.id(), t.name(), t.schedule(), t.timezone(), t.action(), t.args(), t.enabled(),
                    t.misfirePolicy(), t.owner(), t.createdAt(), t.updatedAt(), p.nextRunAt(),
                    job.isPresent() ? Optional.of(fireTime) : t.lastRunAt(),
                    job.isPresent() ? job.map(Job::id) : t.lastJobId(),
                    job.map(Job::status));
            out.add(new Fired(after, fireTime, job, r.map(InsertResult::inserted).orElse(false)));
          }
          // every task's advance, each conditional on its fire time
          if (pg) {
            advanceAllPg(h, out);
          } else {
            advanceAllH2(h, out);
          }
          return new FireResult(out, held);
        });
  }

  /** H2: one batch per statement shape (writes run in process, one at a time). */
  private static void advanceAllH2(Handle h, List<Fired> fired) {
    PreparedBatch plain =
        h.prepareBatch("UPDATE <prefix>tasks SET next_run_at = :next WHERE id = :id AND next_run_at = :fire");
    PreparedBatch recorded =
        h.prepareBatch(
            "UPDATE <prefix>tasks SET next_run_at = :next, last_run_at = :fire, last_job_id = :job"
                + " WHERE id = :id AND next_run_at = :fire");
    List<TaskId> plainIds = new ArrayList<>();
    List<TaskId> recordedIds = new ArrayList<>();
    for (Fired f : fired) {
      PreparedBatch b = f.job().isPresent() ? recorded : plain;
      b.bind("next", f.task().nextRunAt().map(JobRows::ts).orElse(null))
          .bind("fire", ts(f.fireTime()))
          .bind("id", f.task().id().value());
      if (f.job().isPresent()) {
        b.bind("job", f.job().get().id().value());
        recordedIds.add(f.task().id());
      } else {
        plainIds.add(f.task().id());
      }
      b.add();
    }
    checkAdvanced(plainIds.isEmpty() ? new int[0] : plain.execute(), plainIds);
    checkAdvanced(recordedIds.isEmpty() ? new int[0] : recorded.execute(), recordedIds);
  }

  /**
   * PostgreSQL: every fired task's advance in one statement (arrays unnested) rather than one
   * statement per task, each conditional on its fire time like the batches H2 runs. Its generic
   * plan finds each task by its primary key (see PgPlanTest).
   */
  static final String ADVANCE_ALL_PG =
      "UPDATE <prefix>tasks t SET next_run_at = CAST(u.next AS timestamptz),"
          + " last_run_at = CASE WHEN u.job IS NULL THEN t.last_run_at ELSE CAST(u.fire AS timestamptz) END,"
          + " last_job_id = COALESCE(u.job, t.last_job_id)"
          + " FROM unnest(CAST(:ids AS varchar[]), CAST(:fires AS text[]), CAST(:nexts AS text[]),"
          + " CAST(:jobs AS varchar[])) AS u(id, fire, next, job)"
          + " WHERE t.id = u.id AND t.next_run_at = CAST(u.fire AS timestamptz) RETURNING t.id";

  private static void advanceAllPg(Handle h, List<Fired> fired) {
    int n = fired.size();
    String[] ids = new String[n];
    String[] fires = new String[n];
    String[] nexts = new String[n];
    String[] jobIds = new String[n];
    for (int i = 0; i < n; i++) {
      Fired f = fired.get(i);
      ids[i] = f.task().id().value();
      fires[i] = ts(f.fireTime()).toString();
      nexts[i] = f.task().nextRunAt().map(t -> ts(t).toString()).orElse(null);
      jobIds[i] = f.job().map(j -> j.id().value()).orElse(null);
    }
    Set<String> advanced = new HashSet<>(
        h.createQuery(ADVANCE_ALL_PG)
            .bindArray("ids", String.class, (Object[]) ids)
            .bindArray("fires", String.class, (Object[]) fires)
            .bindArray("nexts", String.class, (Object[]) nexts)
            .bindArray("jobs", String.class, (Object[]) jobIds)
            .mapTo(String.class)
            .list());
    for (String id : ids) {
      if (!advanced.contains(id)) {
        throw new StoreException("task " + id + " changed while it fired; try again");
      }
    }
  }

  /**
   * Cannot fail under the row locks (PostgreSQL) or the write lock (H2); fails the whole step
   * rather than enqueue a fire that was not claimed.
   */
  private static void checkAdvanced(int[] counts, List<TaskId> ids) {
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] != 1 && counts[i] != java.sql.Statement.SUCCESS_NO_INFO) {
        throw new StoreException("task " + ids.get(i) + " changed while it fired; try again");
      }
    }
  }

  @Override
  public Optional<Instant> nextDue() {
    return db.read(
        h ->
            h.createQuery(
                    db.dialect() instanceof Dialect.H2
                        // H2 computes MIN(...) by reading every matching row; the first in index order is one read
                        ? "SELECT next_run_at FROM <prefix>tasks WHERE enabled = TRUE AND next_run_at IS NOT NULL"
                            + " ORDER BY enabled, next_run_at LIMIT 1"
                        : "SELECT MIN(next_run_at) FROM <prefix>tasks WHERE enabled = TRUE AND next_run_at IS NOT NULL")
                .map((rs, ctx) -> Optional.ofNullable(instant(rs, 1)))
                .findOne()
                .flatMap(o -> o));
  }
}
