package dev.docket.rest;

import dev.docket.Docket;
import dev.docket.Principal;
import dev.docket.Role;
import dev.docket.jdbc.JdbcStore;
import dev.docket.rest.internal.Demo;
import java.util.Map;

/** A started server with the demo handlers and the test tokens. */
final class Servers {

  static final String ALICE = "alice-token";
  static final String BOB = "bob-token";
  static final String CAROL = "carol-token"; // approver
  static final String ROOT = "root-token"; // admin

  static final TokenAuthenticator TOKENS =
      TokenAuthenticator.of(
          Map.of(
              ALICE, Principal.user("alice"),
              BOB, Principal.user("bob"),
              CAROL, Principal.of("carol", Role.USER, Role.APPROVER),
              ROOT, Principal.of("root", Role.ADMIN)));

  private Servers() {}

  static RestServer start(JdbcStore store) {
    Docket docket = Demo.register(Docket.builder().store(store)).workers("default", 4).build().start();
    return RestServer.builder(docket).authenticator(TOKENS).port(0).ownsDocket().build().start();
  }
}
