package dev.docket.internal.hitl;

import dev.docket.AccessDeniedException;
import dev.docket.ApprovalId;
import dev.docket.ApprovalNotFoundException;
import dev.docket.ApprovalRequest;
import dev.docket.ApprovalStatus;
import dev.docket.Cursor;
import dev.docket.Decision;
import dev.docket.DocketEvent;
import dev.docket.InvalidRequestException;
import dev.docket.JobId;
import dev.docket.JobStatus;
import dev.docket.Page;
import dev.docket.Principal;
import dev.docket.SelfApproval;
import dev.docket.internal.security.Access;
import dev.docket.spi.Decided;
import dev.docket.spi.PendingQuery;
import dev.docket.spi.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decisions on approval requests: who may see and decide (through {@link Access}), the store's
 * once-only close, and the events that follow. {@link #expireOnce()} is the expiry sweeper's step.
 * Thread-safe.
 */
public final class ApprovalService {

  private static final Logger log = LoggerFactory.getLogger(ApprovalService.class);

  /** Requests one expiry step closes at most. */
  public static final int EXPIRE_BATCH = 500;

  /** What the engine does after a request closed: publish the job's change and wake workers. */
  public interface Callbacks {
    void jobMoved(Decided decided, JobStatus from, String by, String detail);

    void published(DocketEvent event);
  }

  private final Store store;
  private final Clock clock;
  private final SelfApproval selfApproval;
  private final Callbacks callbacks;

  public ApprovalService(Store store, Clock clock, SelfApproval selfApproval, Callbacks callbacks) {
    this.store = store;
    this.clock = clock;
    this.selfApproval = selfApproval;
    this.callbacks = callbacks;
  }

  public Optional<ApprovalRequest> find(Principal p, ApprovalId id) {
    return store.approvals().find(id).filter(a -> Access.canSee(p, a));
  }

  public ApprovalRequest get(Principal p, ApprovalId id) {
    return find(p, id).orElseThrow(() -> new ApprovalNotFoundException(id));
  }

  public Optional<ApprovalRequest> forJob(Principal p, JobId jobId) {
    List<ApprovalRequest> found = store.approvals().findByJobs(List.of(jobId));
    return found.stream().findFirst().filter(a -> Access.canSee(p, a));
  }

  public java.util.Map<JobId, ApprovalRequest> forJobs(Principal p, java.util.Collection<JobId> jobs) {
    java.util.Map<JobId, ApprovalRequest> out = new java.util.HashMap<>();
    if (jobs.isEmpty()) {
      return out;
    }
    for (ApprovalRequest a : store.approvals().findByJobs(jobs)) {
      if (Access.canSee(p, a)) {
        out.put(a.jobId(), a);
      }
    }
    return out;
  }

  public Page<ApprovalRequest> pending(Principal p, Optional<Cursor> cursor, int limit) {
    Page.checkLimit(limit);
    Optional<String> notMine =
        selfApproval == SelfApproval.ALLOWED || Access.isTrustedHost(p) ? Optional.empty() : Optional.of(p.id());
    Instant now = clock.instant();
    PendingQuery q =
        Access.decidesAny(p) || p.isAdmin()
            ? new PendingQuery(Optional.empty(), notMine, now)
            : new PendingQuery(Optional.of(p.id()), notMine, now);
    return store.approvals().pending(q, cursor, limit);
  }

  public ApprovalRequest approve(Principal p, ApprovalId id, String note) {
    return decide(p, id, ApprovalStatus.APPROVED, checkNote("note", note, false));
  }

  public ApprovalRequest reject(Principal p, ApprovalId id, String reason) {
    return decide(p, id, ApprovalStatus.REJECTED, checkNote("reason", reason, true));
  }

  private static String checkNote(String field, String text, boolean required) {
    if (text == null) {
      throw new InvalidRequestException(field, "must not be null");
    }
    if (required && text.isBlank()) {
      throw new InvalidRequestException(field, "must not be blank: say why the request is rejected");
    }
    if (text.length() > Decision.MAX_NOTE) {
      throw new InvalidRequestException(
          field, "is " + text.length() + " characters, more than " + Decision.MAX_NOTE);
    }
    return text;
  }

  private ApprovalRequest decide(Principal p, ApprovalId id, ApprovalStatus to, String note) {
    ApprovalRequest request = get(p, id);
    String verb = to == ApprovalStatus.APPROVED ? "approve" : "reject";
    if (!Access.mayDecide(p, request)) {
      throw new AccessDeniedException(
          p.id(), verb + " request " + id, "needs the APPROVER role or to be a named approver of it");
    }
    if (selfApproval == SelfApproval.FORBIDDEN
        && !Access.isTrustedHost(p)
        && p.id().equals(request.requestedBy())) {
      throw new AccessDeniedException(
          p.id(), verb + " request " + id, "the requester may not decide its own request");
    }
    Decided d =
        store
            .approvals()
            .decide(id, new Decision(to, p.id(), clock.instant(), note))
            .orElseThrow(() -> new ApprovalNotFoundException(id));
    log.info("approval request {} of job {}: {} by {}", id, d.job().id(), to.wireName(), p.id());
    published(d, p.id());
    return d.request();
  }

  private void published(Decided d, String by) {
    String detail = d.job().status() == JobStatus.EXPIRED ? "approval request expired" : d.request().status().wireName();
    callbacks.jobMoved(d, JobStatus.AWAITING_APPROVAL, by, detail);
    callbacks.published(new DocketEvent.ApprovalChanged(d.request()));
  }

  /** Expires the requests whose time ran out; returns how many. */
  public int expireOnce() {
    List<Decided> expired = store.approvals().expireDue(clock.instant(), EXPIRE_BATCH);
    for (Decided d : expired) {
      log.info("approval request {} of job {} expired", d.request().id(), d.job().id());
      published(d, "system");
    }
    return expired.size();
  }

  /** Tells the listeners about requests created with new jobs. */
  public void created(List<JobId> jobs) {
    if (jobs.isEmpty()) {
      return;
    }
    for (ApprovalRequest a : store.approvals().findByJobs(jobs)) {
      callbacks.published(new DocketEvent.ApprovalChanged(a));
    }
  }
}
