package dev.docket;

/**
 * Root of every exception Docket throws. All are unchecked and carry a message a user can act on;
 * subclasses add structured fields for programs.
 */
public abstract class DocketException extends RuntimeException {

  protected DocketException(String message) {
    super(message);
  }

  protected DocketException(String message, Throwable cause) {
    super(message, cause);
  }
}
