package dev.docket;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A caller of the API: an id and its roles. Obtained from the host's authentication; Docket only
 * uses it to scope reads and writes (see {@link Docket#as(Principal)}).
 *
 * @param id the caller's id, recorded as owner of what it creates and in the job history
 * @param roles the caller's roles, possibly empty
 */
public record Principal(String id, Set<Role> roles) {

  /** The engine itself and trusted host code: every role. Its id is {@code system}. */
  public static final Principal SYSTEM = new Principal("system", EnumSet.allOf(Role.class));

  public Principal {
    Objects.requireNonNull(id, "id");
    if (id.isBlank() || id.length() > 128) {
      throw new InvalidRequestException("principal.id", "must be 1 to 128 characters, not blank");
    }
    roles = Set.copyOf(Objects.requireNonNull(roles, "roles"));
  }

  /** A principal with the given roles. */
  public static Principal of(String id, Role... roles) {
    return new Principal(id, Set.of(roles));
  }

  /** A principal with only the {@link Role#USER} role. */
  public static Principal user(String id) {
    return of(id, Role.USER);
  }

  public boolean hasRole(Role role) {
    return roles.contains(role);
  }

  public boolean isAdmin() {
    return roles.contains(Role.ADMIN);
  }
}
