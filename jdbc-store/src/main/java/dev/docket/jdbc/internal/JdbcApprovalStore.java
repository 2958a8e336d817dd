package dev.docket.jdbc.internal;

import static dev.docket.jdbc.internal.JobRows.instant;
import static dev.docket.jdbc.internal.JobRows.ts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.docket.ApprovalConflictException;
import dev.docket.ApprovalId;
import dev.docket.ApprovalRequest;
import dev.docket.ApprovalStatus;
import dev.docket.Cursor;
import dev.docket.Decision;
import dev.docket.Job;
import dev.docket.JobId;
import dev.docket.JobStatus;
import dev.docket.Page;
import dev.docket.spi.ApprovalStore;
import dev.docket.spi.Decided;
import dev.docket.spi.NewApproval;
import dev.docket.spi.NewJob;
import dev.docket.spi.PendingQuery;
import dev.docket.spi.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/**
 * {@link ApprovalStore} on H2 or PostgreSQL. A close locks the job row first, then updates the
 * request only while it is pending (the same lock order as a job's cancel), so racing decisions on
 * any number of nodes have exactly one winner and never deadlock with a cancel.
 */
public final class JdbcApprovalStore implements ApprovalStore {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JdbcApprovalStore.class);

  private static final String SELECT =
      "SELECT a.id, a.job_id, a.reason, a.requested_by, a.approvers, a.created_at, a.expires_at,"
          + " a.status, a.decided_by, a.decided_at, a.decision_note, j.function_name, j.args"
          + " FROM <prefix>approvals a JOIN <prefix>jobs j ON j.id = a.job_id";

  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private static final RowMapper<ApprovalRequest> ROW =
      (rs, ctx) -> {
        ApprovalStatus status = ApprovalStatus.valueOf(rs.getString("status"));
        Optional<Decision> decision =
            status == ApprovalStatus.PENDING
                ? Optional.empty()
                : Optional.of(
                    new Decision(
                        status,
                        rs.getString("decided_by"),
                        instant(rs, "decided_at"),
                        Optional.ofNullable(rs.getString("decision_note")).orElse("")));
        List<String> approvers;
        try {
          approvers = JobRows.MAPPER.readValue(rs.getString("approvers"), STRINGS);
        } catch (JsonProcessingException e) {
          throw new StoreException("stored approvers are unreadable", e);
        }
        return new ApprovalRequest(
            ApprovalId.of(rs.getString("id")),
            JobId.of(rs.getString("job_id")),
            rs.getString("function_name"),
            JobRows.parse(rs.getString("args")),
            rs.getString("reason"),
            rs.getString("requested_by"),
            Set.copyOf(approvers),
            instant(rs, "created_at"),
            Optional.ofNullable(instant(rs, "expires_at")),
            status,
            decision);
      };

  private final Db db;
  private final JdbcJobStore jobs;

  public JdbcApprovalStore(Db db, JdbcJobStore jobs) {
    this.db = db;
    this.jobs = jobs;
  }

  /** Stores the requests of newly inserted jobs, in the jobs' transaction. */
  static void insertAll(Handle h, List<NewJob> inserted) {
    PreparedBatch requests =
        h.prepareBatch(
            "INSERT INTO <prefix>approvals (id, job_id, reason, requested_by, approvers, created_at,"
                + " expires_at, status) VALUES (:id, :job, :reason, :by, :approvers, :createdAt,"
                + " :expiresAt, 'PENDING')");
    PreparedBatch approvers =
        h.prepareBatch(
            "INSERT INTO <prefix>approval_approvers (request_id, principal_id) VALUES (:id, :principal)");
    int requestRows = 0;
    int approverRows = 0;
    for (NewJob j : inserted) {
      if (j.approval().isEmpty()) {
        continue;
      }
      NewApproval a = j.approval().get();
      List<String> names = List.copyOf(new TreeSet<>(a.approvers()));
      String namesJson;
      try {
        namesJson = JobRows.MAPPER.writeValueAsString(names);
      } catch (JsonProcessingException e) {
        throw new StoreException("cannot serialise approvers", e);
      }
      requests
          .bind("id", a.id().value())
          .bind("job", j.id().value())
          .bind("reason", JobRows.text(a.reason()))
          .bind("by", j.owner())
          .bind("approvers", namesJson)
          .bind("createdAt", ts(j.createdAt()))
          .bind("expiresAt", a.expiresAt().map(JobRows::ts).orElse(null))
          .add();
      requestRows++;
      for (String name : names) {
        approvers.bind("id", a.id().value()).bind("principal", name).add();
        approverRows++;
      }
    }
    if (requestRows > 0) {
      requests.execute();
    }
    if (approverRows > 0) {
      approvers.execute();
    }
  }

  /** Closes the pending request of a job being cancelled, in the cancel's transaction. */
  static void cancelOf(Handle h, JobId job, String by, Instant now) {
    h.createUpdate(
            "UPDATE <prefix>approvals SET status = 'CANCELLED', decided_by = :by, decided_at = :now,"
                + " decision_note = 'job cancelled' WHERE job_id = :job AND status = 'PENDING'")
        .bind("by", JobRows.truncate(by, 128))
        .bind("now", ts(now))
        .bind("job", job.value())
        .execute();
  }

  /** The state of a job's request, if it has one. */
  static Optional<ApprovalStatus> statusOf(Handle h, JobId job) {
    return h.createQuery("SELECT status FROM <prefix>approvals WHERE job_id = :job")
        .bind("job", job.value())
        .mapTo(String.class)
        .findOne()
        .map(ApprovalStatus::valueOf);
  }

  @Override
  public Optional<ApprovalRequest> find(ApprovalId id) {
    return db.read(h -> findIn(h, id));
  }

  private static Optional<ApprovalRequest> findIn(Handle h, ApprovalId id) {
    return h.createQuery(SELECT + " WHERE a.id = :id").bind("id", id.value()).map(ROW).findOne();
  }

  @Override
  public List<ApprovalRequest> findByJobs(Collection<JobId> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    List<String> all = ids.stream().map(JobId::value).distinct().toList();
    return db.read(
        h -> {
          List<ApprovalRequest> out = new ArrayList<>();
          for (int i = 0; i < all.size(); i += JdbcJobStore.CHUNK) {
            out.addAll(
                h.createQuery(SELECT + " WHERE a.job_id IN (<ids>)")
                    .bindList("ids", all.subList(i, Math.min(all.size(), i + JdbcJobStore.CHUNK)))
                    .map(ROW)
                    .list());
          }
          return out;
        });
  }

  @Override
  public Page<ApprovalRequest> pending(PendingQuery q, Optional<Cursor> after, int limit) {
    StringBuilder sql = new StringBuilder(SELECT).append(" WHERE a.status = 'PENDING'");
    q.namedApprover()
        .ifPresent(
            p ->
                sql.append(
                    " AND EXISTS (SELECT 1 FROM <prefix>approval_approvers x"
                        + " WHERE x.request_id = a.id AND x.principal_id = :approver)"));
    q.notRequestedBy().ifPresent(p -> sql.append(" AND a.requested_by <> :requester"));
    sql.append(" AND (a.expires_at IS NULL OR a.expires_at > :now)");
    after.ifPresent(
        c -> sql.append(" AND (a.created_at > :cAt OR (a.created_at = :cAt AND a.id > :cId))"));
    sql.append(" ORDER BY ")
        .append(db.dialect() instanceof Dialect.H2 ? "a.status, " : "")
        .append("a.created_at, a.id LIMIT :limit");
    List<ApprovalRequest> rows =
        db.read(
            h -> {
              Query query = h.createQuery(sql.toString()).bind("limit", limit + 1).bind("now", ts(q.now()));
              q.namedApprover().ifPresent(p -> query.bind("approver", p));
              q.notRequestedBy().ifPresent(p -> query.bind("requester", p));
              after.ifPresent(c -> query.bind("cAt", ts(c.createdAt())).bind("cId", c.id()));
              return query.map(ROW).list();
            });
    if (rows.size() <= limit) {
      return new Page<>(rows, Optional.empty());
    }
    List<ApprovalRequest> items = rows.subList(0, limit);
    ApprovalRequest last = items.get(limit - 1);
    return new Page<>(items, Optional.of(Cursor.after(last.createdAt(), last.id().value())));
  }

  @Override
  public Optional<Decided> decide(ApprovalId id, Decision decision) {
    return db.write(
        h -> {
          Optional<String> job =
              h.createQuery("SELECT job_id FROM <prefix>approvals WHERE id = :id")
                  .bind("id", id.value())
                  .mapTo(String.class)
                  .findOne();
          if (job.isEmpty()) {
            return Optional.<Decided>empty();
          }
          Optional<Decided> d = close(h, id, JobId.of(job.get()), decision);
          if (d.isEmpty()) {
            ApprovalStatus now =
                statusOf(h, JobId.of(job.get())).orElseThrow(() -> new StoreException("request vanished"));
            // pending but past its expiry: the sweeper has not closed it yet, but it is expired
            throw new ApprovalConflictException(id, now == ApprovalStatus.PENDING ? ApprovalStatus.EXPIRED : now);
          }
          return d;
        });
  }

  /** Locks the job, closes the request if still pending and moves the job; empty if not pending. */
  private Optional<Decided> close(Handle h, ApprovalId id, JobId jobId, Decision d) {
    Optional<Job> before = jobs.findIn(h, jobId, jobs.lockClause());
    int n =
        h.createUpdate(
                "UPDATE <prefix>approvals SET status = :to, decided_by = :by, decided_at = :at,"
                    + " decision_note = :note WHERE id = :id AND status = 'PENDING'"
                    + (d.status() == ApprovalStatus.EXPIRED ? "" : " AND (expires_at IS NULL OR expires_at > :at)"))
            .bind("to", d.status().name())
            .bind("by", JobRows.truncate(d.by(), 128))
            .bind("at", ts(d.at()))
            .bind("note", JobRows.truncate(d.note(), Decision.MAX_NOTE))
            .bind("id", id.value())
            .execute();
    if (n == 0) {
      return Optional.empty();
    }
    if (before.isEmpty() || before.get().status() != JobStatus.AWAITING_APPROVAL) {
      throw new StoreException(
          "approval request " + id + " is pending but job " + jobId + " is not awaiting approval");
    }
    Job j = before.get();
    JobStatus to;
    String detail;
    if (d.status() == ApprovalStatus.APPROVED) {
      boolean later = j.scheduledAt().isAfter(d.at());
      to = later ? JobStatus.SCHEDULED : JobStatus.QUEUED;
      h.createUpdate(
              "UPDATE <prefix>jobs SET status = :to, scheduled_at = :due WHERE id = :id"
                  + " AND status = 'AWAITING_APPROVAL'")
          .bind("to", to.name())
          .bind("due", ts(later ? j.scheduledAt() : d.at()))
          .bind("id", jobId.value())
          .execute();
      detail = d.note().isEmpty() ? "approved" : "approved: " + d.note();
    } else {
      to = d.status() == ApprovalStatus.REJECTED ? JobStatus.REJECTED : JobStatus.EXPIRED;
      h.createUpdate(
              "UPDATE <prefix>jobs SET status = :to, finished_at = :at WHERE id = :id"
                  + " AND status = 'AWAITING_APPROVAL'")
          .bind("to", to.name())
          .bind("at", ts(d.at()))
          .bind("id", jobId.value())
          .execute();
      detail = to == JobStatus.REJECTED ? "rejected: " + d.note() : "approval request expired";
    }
    JdbcJobStore.insertEvent(h, jobId, d.at(), JobStatus.AWAITING_APPROVAL, to, d.by(), detail);
    if (to == JobStatus.QUEUED) {
      jobs.signalWork(h, j.queue());
    }
    Job after = jobs.findIn(h, jobId, "").orElseThrow();
    ApprovalRequest request = findIn(h, id).orElseThrow();
    return Optional.of(new Decided(request, after));
  }

  @Override
  public List<Decided> expireDue(Instant now, int limit) {
    String order = db.dialect() instanceof Dialect.H2 ? "status, expires_at" : "expires_at";
    List<String[]> due =
        db.read(
            h ->
                h.createQuery(
                        "SELECT id, job_id FROM <prefix>approvals WHERE status = 'PENDING'"
                            + " AND expires_at IS NOT NULL AND expires_at <= :now ORDER BY "
                            + order
                            + " LIMIT :limit")
                    .bind("now", ts(now))
                    .bind("limit", limit)
                    .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
                    .list());
    List<Decided> out = new ArrayList<>();
    for (String[] row : due) {
      // one transaction per request: an expiry never holds many locks, and a racing decision
      // simply wins that request; one request that cannot be closed does not stop the others
      try {
        db.write(
                h ->
                    close(
                        h,
                        ApprovalId.of(row[0]),
                        JobId.of(row[1]),
                        new Decision(ApprovalStatus.EXPIRED, "system", now, "expired")))
            .ifPresent(out::add);
      } catch (StoreException e) {
        log.warn("approval request {} could not be expired: {}", row[0], e.toString());
      }
    }
    return out;
  }
}
