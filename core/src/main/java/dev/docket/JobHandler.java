package dev.docket;

/**
 * The code behind a function name. Registered with {@link Docket.Builder#handler(String,
 * JobHandler)} and called on a worker thread, once per attempt.
 *
 * <p>Return the result (any value Jackson can turn into JSON, or {@code null} for none); throw to
 * fail the attempt, which is retried while attempts remain. A long-running handler should look at
 * {@link JobContext#isCancelled()} now and then, and must let {@link InterruptedException} end it:
 * the engine interrupts a handler when its timeout passes, when a cancel's grace period ends and on
 * shutdown.
 */
@FunctionalInterface
public interface JobHandler {

  /**
   * Runs one attempt.
   *
   * @return the result to store, or {@code null}
   * @throws Exception to fail the attempt
   */
  @org.jspecify.annotations.Nullable
  Object handle(JobContext ctx) throws Exception;
}
