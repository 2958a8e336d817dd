package dev.docket.rest;

import static dev.docket.rest.Servers.ALICE;
import static dev.docket.rest.Servers.BOB;
import static dev.docket.rest.Servers.CAROL;
import static dev.docket.rest.Servers.ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docket.jdbc.JdbcStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * REST.md endpoint by endpoint over real HTTP against a started server: each success path and its
 * documented errors. Subclasses give the store (H2, PostgreSQL).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RestContract {

  static final String SEED_TASK =
      """
      {
        "name": "Weekly status update",
        "schedule": "0 9 * * MON",
        "timezone": "Europe/Amsterdam",
        "action": "send_message",
        "args": {
          "room_id": "room-…",
          "content": { "msgtype": "swp.text", "body": "Monday status check" }
        },
        "enabled": true
      }""";

  RestServer server;
  Http http;

  abstract JdbcStore store();

  void cleanUp() {}

  @BeforeAll
  void startServer() {
    server = Servers.start(store());
    http = new Http(server.port());
  }

  @AfterAll
  void stopServer() {
    server.close();
    cleanUp();
  }

  private String submit(String token, String body) {
    Http.Res r = http.post(token, "/v1/queue/jobs", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.text("job_id");
  }

  private JsonNode awaitStatus(String token, String id, String status) {
    await().atMost(Duration.ofSeconds(30)).until(() -> http.get(token, "/v1/queue/jobs/" + id).text("status").equals(status));
    return http.get(token, "/v1/queue/jobs/" + id).json();
  }

  private static void assertProblem(Http.Res r, int status, String field) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    JsonNode p = r.json();
    assertThat(p.path("status").asInt()).isEqualTo(status);
    assertThat(p.has("type") && p.has("title") && p.has("detail") && p.path("errors").isArray()).isTrue();
    if (field != null) {
      assertThat(p.path("errors").findValuesAsText("field")).as(r.body()).contains(field);
    }
    assertThat(r.body()).doesNotContain("at dev.docket").doesNotContain("SELECT ").doesNotContain("Exception:");
  }

  // ------------------------------------------------------------------ 1-4 jobs

  @Test
  void submitRunsAndReadsBackAJob() {
    Http.Res r = http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {\"x\": 1}, \"correlation_id\": \"c-1\", \"priority\": 3}");
    assertThat(r.status()).isEqualTo(201);
    JsonNode j = r.json();
    for (String f : List.of("job_id", "function", "queue", "status", "priority", "args", "result", "error", "attempts",
        "max_attempts", "correlation_id", "owner", "cancel_requested", "created_at", "scheduled_at", "started_at",
        "finished_at", "approval")) {
      assertThat(j.has(f)).as("field %s", f).isTrue();
    }
    assertThat(j.path("owner").asText()).isEqualTo("alice");
    assertThat(j.path("queue").asText()).isEqualTo("default");
    JsonNode done = awaitStatus(ALICE, j.path("job_id").asText(), "succeeded");
    assertThat(done.path("result")).isEqualTo(Http.MAPPER.createObjectNode().put("x", 1));
    assertThat(done.path("attempts").asInt()).isEqualTo(1);
    assertThat(done.path("finished_at").asText()).endsWith("Z");
  }

  @Test
  void aRepeatedJobIdReturnsTheExistingJobForItsOwnerAndConflictsForOthers() {
    String body = "{\"function\": \"echo\", \"args\": {}, \"job_id\": \"order-" + System.nanoTime() + "\"}";
    Http.Res first = http.post(ALICE, "/v1/queue/jobs", body);
    assertThat(first.status()).isEqualTo(201);
    Http.Res again = http.post(ALICE, "/v1/queue/jobs", body);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.text("job_id")).isEqualTo(first.text("job_id"));
    Http.Res other = http.post(BOB, "/v1/queue/jobs", body);
    assertProblem(other, 409, null);
    assertThat(other.body()).doesNotContain("alice");
  }

  @Test
  void submitRejectsBadInputNamingTheField() {
    assertProblem(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"nope\", \"args\": {}}"), 400, "function");
    assertProblem(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\""), 400, null);
    assertProblem(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {}, \"colour\": 1}"), 400, "colour");
    assertProblem(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {}, \"priority\": \"high\"}"), 400, "priority");
    assertProblem(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {}, \"max_attempts\": 0}"), 400, "max_attempts");
    assertProblem(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {}, \"queue\": \"Bad Queue\"}"), 400, "queue");
    assertProblem(http.post(ALICE, "/v1/queue/jobs",
        "{\"function\": \"echo\", \"args\": {}, \"defer_until\": \"2030-01-01T00:00:00Z\", \"defer_by_seconds\": 5}"), 400, "defer_until");
    assertProblem(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {}, \"defer_until\": \"tomorrow\"}"), 400, "defer_until");
    assertProblem(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {}, \"timeout_seconds\": -1}"), 400, "timeout_seconds");
    assertProblem(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {}, \"job_id\": \"../../etc\"}"), 400, "job_id");
    assertProblem(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {}, \"approval\": {\"reason\": \"r\", \"x\": 1}}"), 400, "approval.x");
    assertProblem(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {}, \"approval\": {}}"), 400, "approval.reason");
    assertProblem(http.post(ALICE, "/v1/queue/jobs", "[1, 2]"), 400, null);
    assertProblem(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\"}"), 400, "args");
    assertProblem(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {}, \"args\": {}}"), 400, null);
    String big = "x".repeat(300 * 1024);
    assertProblem(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {\"s\": \"" + big + "\"}}"), 400, "args");
    String huge = "x".repeat(1024 * 1024 + 10);
    assertThat(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {\"s\": \"" + huge + "\"}}").status()).isEqualTo(413);
    Http.Res deferred = http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {}, \"defer_by_seconds\": 3600}");
    assertThat(deferred.status()).isEqualTo(201);
    assertThat(deferred.text("status")).isEqualTo("scheduled");
    assertThat(http.get(ALICE, "/v1/queue/jobs?function=nope").json().path("items")).isEmpty();
  }

  @Test
  void othersJobsAndMalformedIdsAreNotFound() {
    String id = submit(ALICE, "{\"function\": \"echo\", \"args\": {}}");
    assertProblem(http.get(BOB, "/v1/queue/jobs/" + id), 404, null);
    assertProblem(http.post(BOB, "/v1/queue/jobs/" + id + "/cancel", null), 404, null);
    assertProblem(http.get(BOB, "/v1/queue/jobs/" + id + "/events"), 404, null);
    assertThat(http.get(ROOT, "/v1/queue/jobs/" + id).status()).isEqualTo(200);
    assertProblem(http.get(ALICE, "/v1/queue/jobs/no-such-job"), 404, null);
    assertProblem(http.get(ALICE, "/v1/queue/jobs/x%20y"), 404, null);
    assertProblem(http.get(ALICE, "/v1/queue/jobs/" + "a".repeat(129)), 404, null);
    assertThat(http.get(ALICE, "/v1/queue/jobs/..%2F..%2Fetc").status()).isIn(400, 404);
    assertThat(http.get(ALICE, "/v1/queue/jobs/%00").status()).isIn(400, 404);
    assertProblem(http.get(ALICE, "/v1/queue/jobs/1'%20OR%20'1'='1"), 404, null);
    assertProblem(http.get(ALICE, "/v1/nothing-here"), 404, null);
    assertThat(http.send("PUT", ALICE, "/v1/queue/jobs", "{}", "application/json").status()).isEqualTo(405);
  }

  @Test
  void cancelStopsARunningJobAndRefusesAFinishedOne() {
    String id = submit(ALICE, "{\"function\": \"sleep\", \"args\": {\"seconds\": 30}}");
    awaitStatus(ALICE, id, "running");
    Http.Res r = http.post(ALICE, "/v1/queue/jobs/" + id + "/cancel", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text("status").equals("cancelled") || r.json().path("cancel_requested").asBoolean()).isTrue();
    awaitStatus(ALICE, id, "cancelled");
    assertProblem(http.post(ALICE, "/v1/queue/jobs/" + id + "/cancel", null), 409, null);
    String waiting = submit(ALICE, "{\"function\": \"echo\", \"args\": {}, \"defer_by_seconds\": 3600}");
    assertThat(http.post(ALICE, "/v1/queue/jobs/" + waiting + "/cancel", null).text("status")).isEqualTo("cancelled");
  }

  @Test
  void listsFilterAndPageWithACursor() {
    String corr = "page-" + System.nanoTime();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      ids.add(submit(BOB, "{\"function\": \"echo\", \"args\": {}, \"correlation_id\": \"" + corr + "\"}"));
    }
    Set<String> seen = new HashSet<>();
    String cursor = null;
    do {
      Http.Res page = http.get(BOB, "/v1/queue/jobs?correlation_id=" + corr + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.status()).isEqualTo(200);
      page.json().path("items").forEach(j -> seen.add(j.path("job_id").asText()));
      cursor = page.json().path("next_cursor").isNull() ? null : page.text("next_cursor");
    } while (cursor != null);
    assertThat(seen).isEqualTo(ids);
    assertThat(http.get(ALICE, "/v1/queue/jobs?correlation_id=" + corr).json().path("items")).isEmpty();
    assertProblem(http.get(BOB, "/v1/queue/jobs?limit=501"), 400, "limit");
    assertProblem(http.get(BOB, "/v1/queue/jobs?limit=abc"), 400, "limit");
    assertProblem(http.get(BOB, "/v1/queue/jobs?cursor=garbage"), 400, "cursor");
    assertProblem(http.get(BOB, "/v1/queue/jobs?cursor="), 400, "cursor");
    Http.Res head = http.send("HEAD", BOB, "/v1/queue/jobs", (byte[]) null, "", "application/json");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertProblem(http.get(BOB, "/v1/queue/jobs?status=sleeping"), 400, "status");
    Http.Res byCorr = http.get(BOB, "/v1/queue/correlation/" + corr + "?limit=500");
    assertThat(byCorr.text("correlation_id")).isEqualTo(corr);
    assertThat(byCorr.json().path("items")).hasSize(5);
    assertThat(http.get(BOB, "/v1/queue/correlation/unknown-id").json().path("items")).isEmpty();
  }

  @Test
  void depthCountsTheCallersUnfinishedJobs() {
    String q = "idle-" + (System.nanoTime() % 100_000);
    submit(BOB, "{\"function\": \"echo\", \"args\": {}, \"queue\": \"" + q + "\"}");
    submit(BOB, "{\"function\": \"echo\", \"args\": {}, \"queue\": \"" + q + "\", \"defer_by_seconds\": 600}");
    JsonNode d = http.get(BOB, "/v1/queue/depth?queue=" + q).json();
    JsonNode entry = d.path("queues").get(0);
    assertThat(entry.path("queue").asText()).isEqualTo(q);
    assertThat(entry.path("queued").asLong()).isEqualTo(1);
    assertThat(entry.path("scheduled").asLong()).isEqualTo(1);
    assertThat(entry.has("running") && entry.has("awaiting_approval") && entry.has("oldest_queued_age_seconds") && entry.has("paused")).isTrue();
    assertThat(d.path("total").has("queued")).isTrue();
    assertThat(d.path("total").has("queue")).isFalse();
    assertThat(d.path("total").has("paused")).isTrue();
    assertThat(http.get(ALICE, "/v1/queue/depth?queue=" + q).json().path("queues").get(0).path("queued").asLong()).isZero();
  }

  // ------------------------------------------------------------------ 6-8 hitl

  @Test
  void aGatedJobWaitsUntilApprovedAndIsDecidedOnce() {
    Http.Res r = http.post(ALICE, "/v1/queue/jobs",
        "{\"function\": \"echo\", \"args\": {\"tool\": \"post\"}, \"approval\": {\"reason\": \"posts to everyone\", \"expires_in_seconds\": 3600}}");
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.text("status")).isEqualTo("awaiting_approval");
    JsonNode approval = r.json().path("approval");
    assertThat(approval.path("status").asText()).isEqualTo("pending");
    assertThat(approval.path("reason").asText()).isEqualTo("posts to everyone");
    String request = approval.path("request_id").asText();
    String job = r.text("job_id");

    JsonNode pending = http.get(CAROL, "/v1/queue/hitl?limit=500").json();
    assertThat(pending.path("items").findValuesAsText("request_id")).contains(request);
    assertThat(http.get(BOB, "/v1/queue/hitl").json().path("items").findValuesAsText("request_id")).doesNotContain(request);
    assertProblem(http.post(ALICE, "/v1/queue/hitl/" + request + "/approve", "{}"), 403, null);
    assertProblem(http.post(BOB, "/v1/queue/hitl/" + request + "/approve", "{}"), 404, null);
    assertProblem(http.post(CAROL, "/v1/queue/hitl/" + request + "/approve", "{\"note\": 7}"), 400, "note");

    Http.Res approved = http.post(CAROL, "/v1/queue/hitl/" + request + "/approve", "{\"note\": \"ok\"}");
    assertThat(approved.status()).isEqualTo(200);
    JsonNode a = approved.json();
    for (String f : List.of("request_id", "job_id", "function", "args", "reason", "requested_by", "approvers", "created_at",
        "expires_at", "status", "decided_by", "decided_at", "decision_note")) {
      assertThat(a.has(f)).as("field %s", f).isTrue();
    }
    assertThat(a.path("status").asText()).isEqualTo("approved");
    assertThat(a.path("decided_by").asText()).isEqualTo("carol");
    assertThat(a.path("decision_note").asText()).isEqualTo("ok");
    assertThat(a.path("requested_by").asText()).isEqualTo("alice");
    assertProblem(http.post(CAROL, "/v1/queue/hitl/" + request + "/reject", "{\"reason\": \"late\"}"), 409, null);
    JsonNode done = awaitStatus(ALICE, job, "succeeded");
    assertThat(done.path("approval").path("status").asText()).isEqualTo("approved");
  }

  @Test
  void aRejectedJobNeverRunsAndNamedApproversMayDecide() {
    Http.Res r = http.post(ALICE, "/v1/queue/jobs",
        "{\"function\": \"echo\", \"args\": {}, \"approval\": {\"reason\": \"r\", \"approvers\": [\"bob\"]}}");
    String request = r.json().path("approval").path("request_id").asText();
    assertProblem(http.post(BOB, "/v1/queue/hitl/" + request + "/reject", "{}"), 400, "reason");
    Http.Res rejected = http.post(BOB, "/v1/queue/hitl/" + request + "/reject", "{\"reason\": \"not now\"}");
    assertThat(rejected.status()).isEqualTo(200);
    assertThat(rejected.text("status")).isEqualTo("rejected");
    assertThat(rejected.text("decision_note")).isEqualTo("not now");
    JsonNode job = http.get(ALICE, "/v1/queue/jobs/" + r.text("job_id")).json();
    assertThat(job.path("status").asText()).isEqualTo("rejected");
    assertProblem(http.post(CAROL, "/v1/queue/hitl/apr_nope/approve", "{}"), 404, null);
  }

  @Test
  void cancellingAWaitingJobCancelsItsRequest() {
    Http.Res r = http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {}, \"approval\": {\"reason\": \"r\"}}");
    Http.Res c = http.post(ALICE, "/v1/queue/jobs/" + r.text("job_id") + "/cancel", null);
    assertThat(c.text("status")).isEqualTo("cancelled");
    assertThat(c.json().path("approval").path("status").asText()).isEqualTo("cancelled");
  }

  // ------------------------------------------------------------------ 10-11 retry, events

  @Test
  void aFailedJobIsRetriedWithAFreshAttemptCountAndItsHistoryShows() {
    String id = submit(ALICE, "{\"function\": \"fail\", \"args\": {\"message\": \"boom\"}, \"max_attempts\": 1}");
    JsonNode failed = awaitStatus(ALICE, id, "failed");
    assertThat(failed.path("error").path("message").asText()).isEqualTo("boom");
    assertThat(failed.path("error").has("type")).isTrue();
    Http.Res retried = http.post(ALICE, "/v1/queue/jobs/" + id + "/retry", null);
    assertThat(retried.status()).isEqualTo(200);
    assertThat(retried.text("status")).isEqualTo("queued");
    assertThat(retried.json().path("attempts").asInt()).isZero();
    awaitStatus(ALICE, id, "failed");
    JsonNode events = http.get(ALICE, "/v1/queue/jobs/" + id + "/events").json().path("items");
    assertThat(events.get(0).path("from").isNull()).isTrue();
    assertThat(events.get(0).path("to").asText()).isEqualTo("queued");
    assertThat(events.get(0).path("by").asText()).isEqualTo("alice");
    List<String> tos = new ArrayList<>();
    events.forEach(e -> tos.add(e.path("to").asText()));
    assertThat(tos).containsSubsequence("queued", "running", "failed", "queued", "running", "failed");
    assertThat(events.findValuesAsText("by")).contains("system");
    String ok = submit(ALICE, "{\"function\": \"echo\", \"args\": {}}");
    awaitStatus(ALICE, ok, "succeeded");
    assertProblem(http.post(ALICE, "/v1/queue/jobs/" + ok + "/retry", null), 409, null);
  }

  // ------------------------------------------------------------------ 12-17 admin

  @Test
  void adminEndpointsWorkForAdminsOnly() {
    String q = "paused-" + (System.nanoTime() % 100_000);
    Http.Res paused = http.post(ROOT, "/v1/queue/queues/" + q + "/pause", null);
    assertThat(paused.status()).isEqualTo(200);
    assertThat(paused.json().path("paused").asBoolean()).isTrue();
    assertThat(paused.json().has("workers")).isTrue();
    String id = submit(ALICE, "{\"function\": \"echo\", \"args\": {}, \"queue\": \"" + q + "\"}");
    assertThat(http.get(ROOT, "/v1/queue/queues").json().path("items").findValuesAsText("queue")).contains(q, "default");
    assertThat(http.get(ALICE, "/v1/queue/depth?queue=" + q).json().path("queues").get(0).path("paused").asBoolean()).isTrue();
    assertThat(http.post(ROOT, "/v1/queue/queues/" + q + "/resume", null).json().path("paused").asBoolean()).isFalse();
    assertProblem(http.post(ROOT, "/v1/queue/queues/Not%20Valid/pause", null), 404, null);
    http.post(ALICE, "/v1/queue/jobs/" + id + "/cancel", null);

    JsonNode workers = http.get(ROOT, "/v1/queue/workers").json().path("items");
    assertThat(workers).isNotEmpty();
    assertThat(workers.get(0).has("node_id") && workers.get(0).has("last_heartbeat_at") && workers.get(0).has("busy")).isTrue();
    assertThat(workers.get(0).path("total").asInt()).isEqualTo(4);

    Http.Res purge = http.post(ROOT, "/v1/queue/purge", "{\"older_than_seconds\": 86400, \"statuses\": [\"succeeded\"]}");
    assertThat(purge.status()).isEqualTo(200);
    assertThat(purge.json().has("deleted")).isTrue();
    assertProblem(http.post(ROOT, "/v1/queue/purge", "{\"older_than_seconds\": 1, \"statuses\": [\"queued\"]}"), 400, "statuses");
    assertProblem(http.post(ROOT, "/v1/queue/purge", "{}"), 400, "older_than_seconds");
    assertProblem(http.post(ROOT, "/v1/queue/purge", "{\"older_than_seconds\": 1, \"statuses\": []}"), 400, "statuses");

    String done = submit(ALICE, "{\"function\": \"echo\", \"args\": {}}");
    awaitStatus(ALICE, done, "succeeded");
    JsonNode m = http.get(ROOT, "/v1/queue/observability/metrics?window_seconds=600").json();
    for (String f : List.of("window_seconds", "succeeded_per_minute", "failed_per_minute", "wait_ms", "run_ms", "by_function",
        "by_queue", "workers")) {
      assertThat(m.has(f)).as("metrics field %s", f).isTrue();
    }
    assertThat(m.path("window_seconds").asInt()).isEqualTo(600);
    assertThat(m.path("wait_ms").has("p50")).isTrue();
    assertThat(m.path("by_function").findValuesAsText("function")).contains("echo");
    Http.Res text = http.send("GET", ROOT, "/v1/queue/observability/metrics", (byte[]) null, "", "text/plain");
    assertThat(text.status()).isEqualTo(200);
    assertThat(text.contentType()).startsWith("text/plain");
    assertThat(text.body()).contains("docket_jobs_finished_total{", "docket_workers{state=\"total\"}");
    assertProblem(http.get(ROOT, "/v1/queue/observability/metrics?window_seconds=0"), 400, "window_seconds");

    for (Http.Res r :
        List.of(
            http.get(ALICE, "/v1/queue/queues"),
            http.post(ALICE, "/v1/queue/queues/default/pause", null),
            http.post(CAROL, "/v1/queue/queues/default/resume", null),
            http.get(ALICE, "/v1/queue/workers"),
            http.post(ALICE, "/v1/queue/purge", "{\"older_than_seconds\": 0}"),
            http.get(CAROL, "/v1/queue/observability/metrics"))) {
      assertProblem(r, 403, null);
    }
  }

  // ------------------------------------------------------------------ 18-21 scheduled tasks

  @Test
  void theSeedsTaskIsCreatedPatchedListedAndDeleted() {
    Http.Res created = http.post(ALICE, "/v1/scheduled-tasks", SEED_TASK);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode t = created.json();
    for (String f : List.of("task_id", "name", "schedule", "timezone", "action", "args", "enabled", "owner", "created_at",
        "updated_at", "next_run_at", "last_run_at", "last_job_id", "last_status")) {
      assertThat(t.has(f)).as("field %s", f).isTrue();
    }
    assertThat(t.path("next_run_at").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:00Z");
    assertThat(t.path("args").path("room_id").asText()).isEqualTo("room-…");
    String id = t.path("task_id").asText();

    assertThat(http.get(ALICE, "/v1/scheduled-tasks").json().path("items").findValuesAsText("task_id")).contains(id);
    assertThat(http.get(BOB, "/v1/scheduled-tasks").json().path("items").findValuesAsText("task_id")).doesNotContain(id);

    Http.Res patched = http.patch(ALICE, "/v1/scheduled-tasks/" + id,
        "{\"schedule\": \"30 8 * * *\", \"args\": {\"content\": {\"body\": \"Daily check\"}}}");
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(patched.text("schedule")).isEqualTo("30 8 * * *");
    assertThat(patched.json().path("args").path("content").path("body").asText()).isEqualTo("Daily check");
    assertThat(patched.json().path("args").path("content").path("msgtype").asText()).isEqualTo("swp.text");
    assertThat(patched.text("next_run_at")).isNotEqualTo(t.path("next_run_at").asText());
    Http.Res disabled = http.patch(ALICE, "/v1/scheduled-tasks/" + id, "{\"enabled\": false}");
    assertThat(disabled.json().path("next_run_at").isNull()).isTrue();
    assertProblem(http.patch(ALICE, "/v1/scheduled-tasks/" + id, "{\"args\": {\"room_id\": null}}"), 400, "args.room_id");
    assertProblem(http.patch(BOB, "/v1/scheduled-tasks/" + id, "{\"enabled\": true}"), 404, null);
    assertProblem(http.delete(BOB, "/v1/scheduled-tasks/" + id), 404, null);
    Http.Res gone = http.delete(ALICE, "/v1/scheduled-tasks/" + id);
    assertThat(gone.status()).isEqualTo(204);
    assertThat(gone.body()).isEmpty();
    assertProblem(http.delete(ALICE, "/v1/scheduled-tasks/" + id), 404, null);
  }

  @Test
  void badTasksNameTheFieldAndStoreNothing() {
    int before = http.get(ALICE, "/v1/scheduled-tasks?limit=500").json().path("items").size();
    assertProblem(http.post(ALICE, "/v1/scheduled-tasks", SEED_TASK.replace("0 9 * * MON", "0 25 * * MON")), 400, "schedule");
    assertProblem(http.post(ALICE, "/v1/scheduled-tasks", SEED_TASK.replace("Europe/Amsterdam", "Mars/Olympus")), 400, "timezone");
    assertProblem(http.post(ALICE, "/v1/scheduled-tasks", SEED_TASK.replace("send_message", "post_tweet")), 400, "action");
    assertProblem(http.post(ALICE, "/v1/scheduled-tasks", SEED_TASK.replace("\"room_id\"", "\"room\"")), 400, "args.room");
    assertProblem(http.post(ALICE, "/v1/scheduled-tasks", SEED_TASK.replace("\"enabled\": true", "\"enabled\": \"yes\"")), 400, "enabled");
    assertProblem(http.post(ALICE, "/v1/scheduled-tasks", SEED_TASK.replace("\"enabled\": true", "\"colour\": 1")), 400, "colour");
    assertProblem(http.post(ALICE, "/v1/scheduled-tasks", "{\"name\": \"x\"}"), 400, "schedule");
    assertThat(http.get(ALICE, "/v1/scheduled-tasks?limit=500").json().path("items")).hasSize(before);
  }

  @Test
  void everyCallNeedsAValidToken() {
    assertProblem(http.get(null, "/v1/queue/jobs"), 401, null);
    assertProblem(http.get("wrong-token", "/v1/queue/jobs"), 401, null);
    assertProblem(http.post(null, "/v1/scheduled-tasks", SEED_TASK), 401, null);
    assertThat(http.get(null, "/v1/openapi.json").status()).isEqualTo(200);
  }

  @Test
  void garbageLeavesNothingStoredAndTheServerStillAnswers() {
    int jobs = http.get(ROOT, "/v1/queue/jobs?limit=500").json().path("items").size();
    int tasks = http.get(ROOT, "/v1/scheduled-tasks?limit=500").json().path("items").size();
    List<Http.Res> answers = new ArrayList<>();
    answers.add(http.post(ALICE, "/v1/queue/jobs", "{\"function\": "));
    answers.add(http.post(ALICE, "/v1/queue/jobs", "[".repeat(5_000) + "]".repeat(5_000)));
    answers.add(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {}, \"priority\": 1e400}"));
    answers.add(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\\u0000\", \"args\": {}}"));
    answers.add(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {}, \"job_id\": \"'; DROP TABLE docket_jobs; --\"}"));
    answers.add(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {}, \"approval\": {\"reason\": \"r\", \"expires_in_seconds\": \"soon\"}}"));
    answers.add(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {}, \"queue\": \"../etc\"}"));
    answers.add(http.post(ALICE, "/v1/scheduled-tasks", SEED_TASK.replace("0 9 * * MON", "@reboot")));
    answers.add(http.post(ALICE, "/v1/scheduled-tasks", SEED_TASK.replace("0 9 * * MON", "5/10 * * * *")));
    answers.add(http.post(ALICE, "/v1/scheduled-tasks", SEED_TASK.replace("Europe/Amsterdam", "../../etc/passwd")));
    answers.add(http.post(ALICE, "/v1/scheduled-tasks", "not json at all"));
    answers.add(http.get(ALICE, "/v1/queue/jobs?limit=99999999999999999999"));
    answers.add(http.get(ALICE, "/v1/queue/hitl?limit=-1"));
    answers.add(http.get(ALICE, "/v1/queue/jobs/%2e%2e%2f%2e%2e%2fetc%2fpasswd"));
    answers.add(http.get(ALICE, "/v1/queue/correlation/%3Cscript%3E"));
    answers.add(http.post(ALICE, "/v1/queue/jobs", "x".repeat(2 * 1024 * 1024)));
    for (Http.Res r : answers) {
      assertThat(r.status()).as(r.body()).isBetween(400, 499);
      assertThat(r.body()).doesNotContain("Exception").doesNotContain("SQL").doesNotContain("at dev.");
    }
    assertThat(http.get(ROOT, "/v1/queue/jobs?limit=500").json().path("items")).hasSize(jobs);
    assertThat(http.get(ROOT, "/v1/scheduled-tasks?limit=500").json().path("items")).hasSize(tasks);
    assertThat(http.post(ALICE, "/v1/queue/jobs", "{\"function\": \"echo\", \"args\": {}}").status()).isEqualTo(201);
  }
}
