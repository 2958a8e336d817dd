package dev.docket.rest;

import static dev.docket.rest.Servers.ALICE;
import static dev.docket.rest.Servers.BOB;
import static dev.docket.rest.Servers.CAROL;
import static dev.docket.rest.Servers.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.jdbc.JdbcStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may call what: the owner (alice, a user), another user (bob), an approver (carol) and an
 * admin (root), against every endpoint, each call on a fresh object that alice owns.
 */
@TestInstance(Lifecycle.PER_CLASS)
abstract class AuthorizationMatrix {

  RestServer server;
  Http http;

  abstract JdbcStore store();

  void cleanUp() {}

  @BeforeAll
  void start() {
    server = Servers.start(store());
    http = new Http(server.port());
  }

  @AfterAll
  void stop() {
    server.close();
    cleanUp();
  }

  /** One endpoint, with the statuses expected for alice (owner), bob, carol (approver) and root (admin). */
  record Case(String name, Function<String, Http.Res> call, int owner, int other, int approver, int admin) {
    @Override
    public String toString() {
      return name;
    }
  }

  String aliceJob(String body) {
    Http.Res r = http.post(ALICE, "/v1/queue/jobs", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.text("job_id");
  }

  String deferred() {
    return aliceJob("{\"function\": \"echo\", \"args\": {}, \"defer_by_seconds\": 3600}");
  }

  String failed() {
    String id = aliceJob("{\"function\": \"fail\", \"args\": {}, \"max_attempts\": 1}");
    org.awaitility.Awaitility.await().until(() -> http.get(ALICE, "/v1/queue/jobs/" + id).text("status").equals("failed"));
    return id;
  }

  String gated() {
    Http.Res r = http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {}, \"approval\": {\"reason\": \"r\"}}");
    return r.json().path("approval").path("request_id").asText();
  }

  String task() {
    return http.post(ALICE, "/v1/scheduled-tasks", RestContract.SEED_TASK).text("task_id");
  }

  List<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(new Case("1 submit", t -> http.post(t, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {}, \"defer_by_seconds\": 3600}"), 201, 201, 201, 201));
    c.add(new Case("2 get job", t -> http.get(t, "/v1/queue/jobs/" + deferred()), 200, 404, 404, 200));
    c.add(new Case("3 cancel", t -> http.post(t, "/v1/queue/jobs/" + deferred() + "/cancel", null), 200, 404, 404, 200));
    c.add(new Case("4 list jobs", t -> http.get(t, "/v1/queue/jobs"), 200, 200, 200, 200));
    c.add(new Case("5 depth", t -> http.get(t, "/v1/queue/depth"), 200, 200, 200, 200));
    c.add(new Case("6 approve", t -> http.post(t, "/v1/queue/hitl/" + gated() + "/approve", "{}"), 403, 404, 200, 403));
    c.add(new Case("7 reject", t -> http.post(t, "/v1/queue/hitl/" + gated() + "/reject", "{\"reason\": \"no\"}"), 403, 404, 200, 403));
    c.add(new Case("8 pending", t -> http.get(t, "/v1/queue/hitl"), 200, 200, 200, 200));
    c.add(new Case("9 correlation", t -> http.get(t, "/v1/queue/correlation/c-1"), 200, 200, 200, 200));
    c.add(new Case("10 retry", t -> http.post(t, "/v1/queue/jobs/" + failed() + "/retry", null), 200, 404, 404, 200));
    c.add(new Case("11 events", t -> http.get(t, "/v1/queue/jobs/" + deferred() + "/events"), 200, 404, 404, 200));
    c.add(new Case("12 queues", t -> http.get(t, "/v1/queue/queues"), 403, 403, 403, 200));
    c.add(new Case("13 pause", t -> http.post(t, "/v1/queue/queues/matrix/pause", null), 403, 403, 403, 200));
    c.add(new Case("14 resume", t -> http.post(t, "/v1/queue/queues/matrix/resume", null), 403, 403, 403, 200));
    c.add(new Case("15 workers", t -> http.get(t, "/v1/queue/workers"), 403, 403, 403, 200));
    c.add(new Case("16 purge", t -> http.post(t, "/v1/queue/purge", "{\"older_than_seconds\": 864000}"), 403, 403, 403, 200));
    c.add(new Case("17 metrics", t -> http.get(t, "/v1/queue/observability/metrics"), 403, 403, 403, 200));
    c.add(new Case("18 list tasks", t -> http.get(t, "/v1/scheduled-tasks"), 200, 200, 200, 200));
    c.add(new Case("19 create task", t -> http.post(t, "/v1/scheduled-tasks", RestContract.SEED_TASK), 201, 201, 201, 201));
    c.add(new Case("20 patch task", t -> http.patch(t, "/v1/scheduled-tasks/" + task(), "{\"enabled\": false}"), 200, 404, 404, 200));
    c.add(new Case("21 delete task", t -> http.delete(t, "/v1/scheduled-tasks/" + task()), 204, 404, 404, 204));
    return c;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachRoleGetsTheDocumentedStatus(Case c) {
    assertThat(c.call().apply(ALICE).status()).as("%s as owner", c.name()).isEqualTo(c.owner());
    assertThat(c.call().apply(BOB).status()).as("%s as another user", c.name()).isEqualTo(c.other());
    assertThat(c.call().apply(CAROL).status()).as("%s as approver", c.name()).isEqualTo(c.approver());
    assertThat(c.call().apply(ROOT).status()).as("%s as admin", c.name()).isEqualTo(c.admin());
    assertThat(c.call().apply("nobody").status()).as("%s unauthenticated", c.name()).isEqualTo(401);
  }
}
