package dev.docket.rest;

import dev.docket.InvalidRequestException;
import dev.docket.Principal;
import dev.docket.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An {@link Authenticator} over a fixed table of tokens, for example read from a file with one line
 * per token: {@code <token>=<principal>:<role>[,<role>…]} (roles {@code user}, {@code approver},
 * {@code admin}; blank lines and {@code #} comments are ignored). Tokens are compared in constant
 * time. Immutable and thread-safe.
 */
public final class TokenAuthenticator implements Authenticator {

  private final Map<String, Principal> tokens;

  private TokenAuthenticator(Map<String, Principal> tokens) {
    this.tokens = Map.copyOf(tokens);
  }

  /** A table of tokens to principals. */
  public static TokenAuthenticator of(Map<String, Principal> tokens) {
    Objects.requireNonNull(tokens, "tokens");
    tokens.forEach((t, p) -> check(t, p));
    return new TokenAuthenticator(tokens);
  }

  /**
   * Reads a tokens file.
   *
   * @throws IllegalArgumentException naming the line of a malformed entry
   */
  public static TokenAuthenticator load(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tokens file " + file, e);
    }
    return parse(lines, file.toString());
  }

  static TokenAuthenticator parse(List<String> lines, String source) {
    Map<String, Principal> tokens = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = source + " line " + (i + 1);
      int eq = line.indexOf('=');
      int colon = line.indexOf(':', eq + 1);
      if (eq <= 0 || colon < 0) {
        throw new IllegalArgumentException(where + ": expected <token>=<principal>:<role>[,<role>…]");
      }
      String token = line.substring(0, eq).strip();
      String id = line.substring(eq + 1, colon).strip();
      Set<Role> roles = EnumSet.noneOf(Role.class);
      for (String r : line.substring(colon + 1).split(",")) {
        String name = r.strip().toUpperCase(Locale.ROOT);
        if (name.isEmpty()) {
          continue;
        }
        try {
          roles.add(Role.valueOf(name));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(where + ": unknown role '" + r.strip() + "'; roles are user, approver, admin");
        }
      }
      Principal p;
      try {
        p = new Principal(id, roles);
      } catch (InvalidRequestException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage());
      }
      check(token, p);
      if (tokens.put(token, p) != null) {
        throw new IllegalArgumentException(where + ": the token is listed twice");
      }
    }
    return new TokenAuthenticator(tokens);
  }

  private static void check(String token, Principal p) {
    if (token.isBlank() || token.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("a token must be non-blank, without white space");
    }
    if (p.id().equals(Principal.SYSTEM.id())) {
      throw new IllegalArgumentException("the principal id 'system' is reserved for the engine");
    }
  }

  @Override
  public Optional<Principal> authenticate(String token) {
    byte[] given = token.getBytes(StandardCharsets.UTF_8);
    Principal found = null;
    for (Map.Entry<String, Principal> e : tokens.entrySet()) {
      if (MessageDigest.isEqual(given, e.getKey().getBytes(StandardCharsets.UTF_8))) {
        found = e.getValue();
      }
    }
    return Optional.ofNullable(found);
  }

  /** How many tokens the table holds. */
  public int size() {
    return tokens.size();
  }
}
