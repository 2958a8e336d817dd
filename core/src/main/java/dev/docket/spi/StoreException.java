package dev.docket.spi;

import dev.docket.DocketException;

/** The store failed (database down, I/O error). Wraps the store's own exception once. */
public class StoreException extends DocketException {

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
