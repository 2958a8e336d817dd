package dev.docket;

/**
 * The caller is authenticated but its roles do not allow this operation. Objects the caller may
 * not see are reported with a not-found exception instead, never with this one.
 */
public final class AccessDeniedException extends DocketException {

  private final String principalId;
  private final String operation;

  public AccessDeniedException(String principalId, String operation, String rule) {
    super(principalId + " may not " + operation + ": " + rule);
    this.principalId = principalId;
    this.operation = operation;
  }

  public String principalId() {
    return principalId;
  }

  public String operation() {
    return operation;
  }
}
