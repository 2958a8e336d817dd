package dev.docket.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docket.JobError;
import dev.docket.JobStatus;
import java.time.Instant;
import java.util.Objects;

/** How an attempt ended: the write that closes a lease. */
public sealed interface Outcome {

  /** The state the job moves to. */
  JobStatus status();

  /** The handler returned: {@code SUCCEEDED}, result stored. */
  record Succeeded(JsonNode result) implements Outcome {
    public Succeeded {
      Objects.requireNonNull(result, "result");
    }

    @Override
    public JobStatus status() {
      return JobStatus.SUCCEEDED;
    }
  }

  /** Failed for good: {@code FAILED}, error stored. */
  record Failed(JobError error) implements Outcome {
    public Failed {
      Objects.requireNonNull(error, "error");
    }

    @Override
    public JobStatus status() {
      return JobStatus.FAILED;
    }
  }

  /** Failed, to be tried again at {@code runAt}: {@code SCHEDULED}, error stored. */
  record RetryLater(JobError error, Instant runAt) implements Outcome {
    public RetryLater {
      Objects.requireNonNull(error, "error");
      Objects.requireNonNull(runAt, "runAt");
    }

    @Override
    public JobStatus status() {
      return JobStatus.SCHEDULED;
    }
  }

  /** Stopped after a cancel request: {@code CANCELLED}. */
  record Cancelled(String detail) implements Outcome {
    public Cancelled {
      Objects.requireNonNull(detail, "detail");
    }

    @Override
    public JobStatus status() {
      return JobStatus.CANCELLED;
    }
  }

  /**
   * Given back unfinished (graceful shutdown): {@code QUEUED}, and the attempt is not counted.
   */
  record Released(String detail) implements Outcome {
    public Released {
      Objects.requireNonNull(detail, "detail");
    }

    @Override
    public JobStatus status() {
      return JobStatus.QUEUED;
    }
  }
}
