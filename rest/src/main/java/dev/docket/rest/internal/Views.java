package dev.docket.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docket.ApprovalRequest;
import dev.docket.Cursor;
import dev.docket.Job;
import dev.docket.JobEvent;
import dev.docket.MetricsSnapshot;
import dev.docket.NodeStatus;
import dev.docket.Percentiles;
import dev.docket.QueueDepth;
import dev.docket.QueueInfo;
import dev.docket.ScheduledTask;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The JSON objects of REST.md, field by field. */
final class Views {

  static final JsonNodeFactory F = JsonNodeFactory.instance;

  private Views() {}

  static JsonNode time(@Nullable Instant t) {
    return t == null ? F.nullNode() : F.textNode(t.toString());
  }

  static JsonNode time(Optional<Instant> t) {
    return time(t.orElse(null));
  }

  static JsonNode text(Optional<String> s) {
    return s.isEmpty() ? F.nullNode() : F.textNode(s.get());
  }

  static ObjectNode job(Job j, @Nullable ApprovalRequest approval) {
    ObjectNode o = F.objectNode();
    o.put("job_id", j.id().value());
    o.put("function", j.function());
    o.put("queue", j.queue());
    o.put("status", j.status().wireName());
    o.put("priority", j.priority());
    o.set("args", j.args());
    o.set("result", j.result().orElse(F.nullNode()));
    if (j.error().isPresent()) {
      ObjectNode e = o.putObject("error");
      e.put("type", j.error().get().type());
      e.put("message", j.error().get().message());
    } else {
      o.putNull("error");
    }
    o.put("attempts", j.attempts());
    o.put("max_attempts", j.maxAttempts());
    o.set("correlation_id", text(j.correlationId()));
    o.put("owner", j.owner());
    o.put("cancel_requested", j.cancelRequested());
    o.set("created_at", time(j.createdAt()));
    o.set("scheduled_at", time(j.scheduledAt()));
    o.set("started_at", time(j.startedAt()));
    o.set("finished_at", time(j.finishedAt()));
    if (approval == null) {
      o.putNull("approval");
    } else {
      ObjectNode a = o.putObject("approval");
      a.put("request_id", approval.id().value());
      a.put("status", approval.status().wireName());
      a.put("reason", approval.reason());
      a.set("decided_by", text(approval.decidedBy()));
      a.set("decided_at", time(approval.decidedAt()));
      a.set("decision_note", text(approval.decisionNote()));
    }
    return o;
  }

  static ObjectNode approval(ApprovalRequest a) {
    ObjectNode o = F.objectNode();
    o.put("request_id", a.id().value());
    o.put("job_id", a.jobId().value());
    o.put("function", a.function());
    o.set("args", a.args());
    o.put("reason", a.reason());
    o.put("requested_by", a.requestedBy());
    ArrayNode approvers = o.putArray("approvers");
    a.approvers().stream().sorted().forEach(approvers::add);
    o.set("created_at", time(a.createdAt()));
    o.set("expires_at", time(a.expiresAt()));
    o.put("status", a.status().wireName());
    o.set("decided_by", text(a.decidedBy()));
    o.set("decided_at", time(a.decidedAt()));
    o.set("decision_note", text(a.decisionNote()));
    return o;
  }

  static ObjectNode task(ScheduledTask t) {
    ObjectNode o = F.objectNode();
    o.put("task_id", t.id().value());
    o.put("name", t.name());
    o.put("schedule", t.schedule());
    o.put("timezone", t.timezone().getId());
    o.put("action", t.action());
    o.set("args", t.args());
    o.put("enabled", t.enabled());
    o.put("owner", t.owner());
    o.set("created_at", time(t.createdAt()));
    o.set("updated_at", time(t.updatedAt()));
    o.set("next_run_at", time(t.nextRunAt()));
    o.set("last_run_at", time(t.lastRunAt()));
    o.set("last_job_id", t.lastJobId().isEmpty() ? F.nullNode() : F.textNode(t.lastJobId().get().value()));
    o.set("last_status", t.lastStatus().isEmpty() ? F.nullNode() : F.textNode(t.lastStatus().get().wireName()));
    return o;
  }

  static ObjectNode event(JobEvent e) {
    ObjectNode o = F.objectNode();
    o.set("at", time(e.at()));
    o.set("from", e.from().isEmpty() ? F.nullNode() : F.textNode(e.from().get().wireName()));
    o.put("to", e.to().wireName());
    o.put("by", e.by());
    o.put("detail", e.detail());
    return o;
  }

  static ObjectNode depth(@Nullable String queue, QueueDepth d, boolean paused) {
    ObjectNode o = F.objectNode();
    if (queue != null) {
      o.put("queue", queue);
    }
    o.put("scheduled", d.scheduled());
    o.put("queued", d.queued());
    o.put("running", d.running());
    o.put("awaiting_approval", d.awaitingApproval());
    if (d.oldestQueuedAge().isPresent()) {
      o.put("oldest_queued_age_seconds", d.oldestQueuedAge().get().toMillis() / 1000.0);
    } else {
      o.putNull("oldest_queued_age_seconds");
    }
    o.put("paused", paused);
    return o;
  }

  static ObjectNode queue(QueueInfo q) {
    ObjectNode o = F.objectNode();
    o.put("queue", q.queue());
    o.put("paused", q.paused());
    o.put("workers", q.workers());
    return o;
  }

  static ObjectNode worker(NodeStatus n) {
    ObjectNode o = F.objectNode();
    o.put("node_id", n.id().value());
    o.set("started_at", time(n.startedAt()));
    o.set("last_heartbeat_at", time(n.lastHeartbeatAt()));
    o.put("busy", n.busy());
    o.put("total", n.total());
    return o;
  }

  static ObjectNode percentiles(Percentiles p) {
    ObjectNode o = F.objectNode();
    num(o, "p50", p.p50());
    num(o, "p95", p.p95());
    num(o, "p99", p.p99());
    return o;
  }

  private static void num(ObjectNode o, String f, Optional<Double> v) {
    if (v.isPresent()) {
      o.put(f, Math.round(v.get() * 1000.0) / 1000.0);
    } else {
      o.putNull(f);
    }
  }

  static ObjectNode metrics(MetricsSnapshot m) {
    ObjectNode o = F.objectNode();
    o.put("window_seconds", m.window().toSeconds());
    o.put("succeeded_per_minute", m.succeededPerMinute());
    o.put("failed_per_minute", m.failedPerMinute());
    o.set("wait_ms", percentiles(m.waitMs()));
    o.set("run_ms", percentiles(m.runMs()));
    ArrayNode fns = o.putArray("by_function");
    for (MetricsSnapshot.FunctionMetrics f : m.byFunction()) {
      ObjectNode x = fns.addObject();
      x.put("function", f.function());
      x.put("succeeded", f.succeeded());
      x.put("failed", f.failed());
      x.set("wait_ms", percentiles(f.waitMs()));
      x.set("run_ms", percentiles(f.runMs()));
    }
    ArrayNode qs = o.putArray("by_queue");
    for (MetricsSnapshot.QueueMetrics q : m.byQueue()) {
      ObjectNode x = qs.addObject();
      x.put("queue", q.queue());
      x.put("succeeded", q.succeeded());
      x.put("failed", q.failed());
      x.set("wait_ms", percentiles(q.waitMs()));
      x.set("run_ms", percentiles(q.runMs()));
    }
    ObjectNode w = o.putObject("workers");
    w.put("busy", m.workers().busy());
    w.put("total", m.workers().total());
    return o;
  }

  static ObjectNode list(List<? extends JsonNode> items, Optional<Cursor> next) {
    ObjectNode o = F.objectNode();
    ArrayNode a = o.putArray("items");
    items.forEach(a::add);
    o.set("next_cursor", next.isEmpty() ? F.nullNode() : F.textNode(next.get().value()));
    return o;
  }
}
