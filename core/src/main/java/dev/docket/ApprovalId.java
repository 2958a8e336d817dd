package dev.docket;

import java.util.UUID;

/**
 * The id of an approval request: 1 to 128 characters of {@code [A-Za-z0-9._:-]}, generated when a
 * job that needs approval is submitted.
 *
 * @param value the id text
 */
public record ApprovalId(String value) implements Comparable<ApprovalId> {

  public ApprovalId {
    Checks.id("requestId", value);
  }

  /** Parses an id; throws {@link InvalidRequestException} naming {@code requestId} when malformed. */
  public static ApprovalId of(String value) {
    return new ApprovalId(value);
  }

  /** A fresh random id ({@code apr_} and 32 hex digits). */
  public static ApprovalId random() {
    return new ApprovalId("apr_" + UUID.randomUUID().toString().replace("-", ""));
  }

  @Override
  public int compareTo(ApprovalId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
