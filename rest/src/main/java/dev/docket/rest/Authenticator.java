package dev.docket.rest;

import dev.docket.Principal;
import java.util.Optional;

/**
 * Maps a bearer token to the caller it stands for. The adapter answers {@code 401} when this gives
 * nothing. Implementations must be thread-safe and must never return a principal with the reserved
 * id {@code system}.
 */
@FunctionalInterface
public interface Authenticator {

  /** The caller of this token, if the token is valid. */
  Optional<Principal> authenticate(String token);
}
