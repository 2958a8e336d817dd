package dev.docket;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The states of a job and, as data, the transitions between them.
 *
 * <pre>
 *   (new) ──► SCHEDULED ──► QUEUED ──► RUNNING ──► SUCCEEDED
 *   (new) ──► QUEUED          ▲  ▲        │  └───► FAILED ──┐ (retry)
 *   (new) ──► AWAITING_APPROVAL         ◄─┘ (lease lost)   │
 *              ├─► QUEUED / SCHEDULED     RUNNING ──► SCHEDULED (waiting for a retry)
 *              ├─► REJECTED, EXPIRED
 *   any non-terminal ──► CANCELLED ──► QUEUED (retry)
 * </pre>
 *
 * <p>Terminal states ({@link #isTerminal()}) never change except through an explicit retry, which
 * is only allowed from {@link #FAILED} and {@link #CANCELLED}. Every store derives its conditional
 * writes from {@link #next()} and the store TCK checks that they agree.
 */
public enum JobStatus {
  /** Deferred: waiting for its run time, or for the next attempt after a failure. */
  SCHEDULED,
  /** Ready to be claimed by a worker. */
  QUEUED,
  /** Waiting for a human decision (HITL); never claimed in this state. */
  AWAITING_APPROVAL,
  /** Claimed by a node under a lease; the handler runs. */
  RUNNING,
  /** The handler returned; its result is stored. */
  SUCCEEDED,
  /** All attempts used up (or the error was not retryable): the dead-letter set. */
  FAILED,
  /** Cancelled before or while running. */
  CANCELLED,
  /** An approver rejected it. */
  REJECTED,
  /** Nobody decided before the approval request expired. */
  EXPIRED;

  private static final Map<JobStatus, Set<JobStatus>> NEXT = new EnumMap<>(JobStatus.class);
  private static final Set<JobStatus> INITIAL = EnumSet.of(SCHEDULED, QUEUED, AWAITING_APPROVAL);

  static {
    NEXT.put(SCHEDULED, EnumSet.of(QUEUED, CANCELLED));
    NEXT.put(QUEUED, EnumSet.of(RUNNING, CANCELLED));
    NEXT.put(AWAITING_APPROVAL, EnumSet.of(QUEUED, SCHEDULED, REJECTED, EXPIRED, CANCELLED));
    NEXT.put(RUNNING, EnumSet.of(SUCCEEDED, FAILED, SCHEDULED, QUEUED, CANCELLED));
    NEXT.put(SUCCEEDED, EnumSet.noneOf(JobStatus.class));
    NEXT.put(FAILED, EnumSet.of(QUEUED));
    NEXT.put(CANCELLED, EnumSet.of(QUEUED));
    NEXT.put(REJECTED, EnumSet.noneOf(JobStatus.class));
    NEXT.put(EXPIRED, EnumSet.noneOf(JobStatus.class));
    NEXT.replaceAll((k, v) -> Collections.unmodifiableSet(v));
  }

  /** The states this one may move to. */
  public Set<JobStatus> next() {
    return NEXT.get(this);
  }

  /** The states this one may be reached from. */
  public Set<JobStatus> previous() {
    EnumSet<JobStatus> from = EnumSet.noneOf(JobStatus.class);
    for (JobStatus s : values()) {
      if (s.next().contains(this)) {
        from.add(s);
      }
    }
    return Collections.unmodifiableSet(from);
  }

  public boolean canTransitionTo(JobStatus to) {
    return NEXT.get(this).contains(to);
  }

  /** Whether a new job may start in this state. */
  public boolean isInitial() {
    return INITIAL.contains(this);
  }

  /**
   * Whether the job is finished. Terminal jobs change only by an explicit retry (from {@link
   * #FAILED} or {@link #CANCELLED}).
   */
  public boolean isTerminal() {
    return this == SUCCEEDED
        || this == FAILED
        || this == CANCELLED
        || this == REJECTED
        || this == EXPIRED;
  }

  /** The terminal states. */
  public static Set<JobStatus> terminal() {
    EnumSet<JobStatus> t = EnumSet.noneOf(JobStatus.class);
    for (JobStatus s : values()) {
      if (s.isTerminal()) {
        t.add(s);
      }
    }
    return Collections.unmodifiableSet(t);
  }

  /**
   * Checks a transition against the table.
   *
   * @param from the current state, or {@code null} for a new job
   * @throws IllegalJobStateException when the transition is not allowed
   */
  public static void check(JobId jobId, @Nullable JobStatus from, JobStatus to) {
    boolean ok = from == null ? to.isInitial() : from.canTransitionTo(to);
    if (!ok) {
      throw new IllegalJobStateException(jobId, from, to);
    }
  }

  /** The lower-case wire name ({@code awaiting_approval}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name or an enum name, case-insensitively. */
  public static JobStatus parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(
          "status", "'" + Checks.abbreviate(text) + "' is not one of " + java.util.Arrays.toString(values()));
    }
  }
}
