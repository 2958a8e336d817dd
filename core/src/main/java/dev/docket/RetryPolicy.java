package dev.docket;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides whether and when a failed attempt is tried again. Consulted only while the job has
 * attempts left ({@link Job#hasAttemptsLeft()}); returning empty fails the job at once (for
 * errors that no retry can mend).
 */
@FunctionalInterface
public interface RetryPolicy {

  /**
   * The delay before the next attempt, or empty to fail the job now.
   *
   * @param job the job, with {@link Job#attempts()} counting the attempt that just failed
   * @param error why it failed
   */
  Optional<Duration> nextDelay(Job job, JobError error);

  /**
   * Retries every error, waiting by the job's own {@link Job#backoff()} when it has one, else by
   * {@code defaults}.
   */
  static RetryPolicy backoff(Backoff defaults) {
    Objects.requireNonNull(defaults, "defaults");
    return (job, error) ->
        Optional.of(
            job.backoff()
                .orElse(defaults)
                .delay(job.attempts(), () -> ThreadLocalRandom.current().nextDouble()));
  }

  /** Never retries: the first failure is final. */
  static RetryPolicy never() {
    return (job, error) -> Optional.empty();
  }
}
