package dev.docket;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;

/**
 * Why an attempt failed.
 *
 * @param type {@link #TIMEOUT}, {@link #LEASE_EXPIRED}, {@link #UNKNOWN_FUNCTION}, {@link
 *     #CANCELLED} or the exception's class name
 * @param message the exception's message, or a description
 * @param stack the stack trace, possibly empty; bounded to {@value #MAX_STACK} characters
 */
public record JobError(String type, String message, String stack) {

  /** The attempt ran past the job's timeout. */
  public static final String TIMEOUT = "timeout";
  /** The node running the attempt stopped heart-beating and its lease was taken over. */
  public static final String LEASE_EXPIRED = "lease_expired";
  /** No handler is registered for the job's function on the node that claimed it. */
  public static final String UNKNOWN_FUNCTION = "unknown_function";
  /** The job was cancelled while it ran. */
  public static final String CANCELLED = "cancelled";

  /** Longest stack trace kept. */
  public static final int MAX_STACK = 16_384;

  public JobError {
    Objects.requireNonNull(type, "type");
    message = message == null ? "" : message;
    stack = stack == null ? "" : stack;
    if (stack.length() > MAX_STACK) {
      stack = stack.substring(0, MAX_STACK) + "\n\t… (truncated)";
    }
  }

  /** An error without a stack trace. */
  public static JobError of(String type, String message) {
    return new JobError(type, message, "");
  }

  /** The error describing a thrown exception. */
  public static JobError of(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return new JobError(t.getClass().getName(), String.valueOf(t.getMessage()), out.toString());
  }
}
