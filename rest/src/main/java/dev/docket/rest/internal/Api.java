package dev.docket.rest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docket.AccessDeniedException;
import dev.docket.ApprovalConflictException;
import dev.docket.ApprovalId;
import dev.docket.ApprovalNotFoundException;
import dev.docket.ApprovalRequest;
import dev.docket.ApprovalSpec;
import dev.docket.Cursor;
import dev.docket.Docket;
import dev.docket.DocketException;
import dev.docket.IllegalJobStateException;
import dev.docket.InvalidRequestException;
import dev.docket.Job;
import dev.docket.JobFilter;
import dev.docket.JobId;
import dev.docket.JobIdConflictException;
import dev.docket.JobNotFoundException;
import dev.docket.JobRequest;
import dev.docket.JobStatus;
import dev.docket.Page;
import dev.docket.Principal;
import dev.docket.QueueDepth;
import dev.docket.QueueInfo;
import dev.docket.ScheduledTask;
import dev.docket.ScopedDocket;
import dev.docket.TaskId;
import dev.docket.TaskNotFoundException;
import dev.docket.TaskSpec;
import dev.docket.TaskUpdate;
import dev.docket.rest.Authenticator;
import dev.docket.rest.RestRequest;
import dev.docket.rest.RestResponse;
import dev.docket.spi.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter: routes each request to one facade call through {@code docket.as(principal)} and
 * maps the result to REST.md's JSON; one table ({@link #problem}) maps exceptions to statuses.
 * Thread-safe.
 */
public final class Api {

  private static final Logger log = LoggerFactory.getLogger(Api.class);

  static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  static final Pattern QUEUE = Pattern.compile("[a-z0-9_-]{1,64}");
  static final String JSON = "application/json";
  static final String PROBLEM = "application/problem+json";

  /** A route's handler. */
  @FunctionalInterface
  interface Handler {
    RestResponse handle(Call call);
  }

  /** One route: a method and a path template such as {@code /v1/queue/jobs/{job_id}}. */
  record Route(String method, String template, String[] parts, boolean authenticated, Handler handler) {}

  /** What a handler gets. */
  record Call(
      RestRequest request,
      @Nullable Principal principal,
      @Nullable ScopedDocket as,
      Map<String, String> params,
      Map<String, String> query) {

    ScopedDocket scoped() {
      if (as == null) {
        throw new IllegalStateException("unauthenticated route");
      }
      return as;
    }

    Principal caller() {
      if (principal == null) {
        throw new IllegalStateException("unauthenticated route");
      }
      return principal;
    }
  }

  private final Docket docket;
  private final Authenticator authenticator;
  private final int maxBodyBytes;
  private final List<Route> routes = new ArrayList<>();
  private final byte[] openApi;

  public Api(Docket docket, Authenticator authenticator, int maxBodyBytes) {
    this.docket = docket;
    this.authenticator = authenticator;
    this.maxBodyBytes = maxBodyBytes;
    this.openApi = loadOpenApi();
    route("POST", "/v1/queue/jobs", this::submit);
    route("GET", "/v1/queue/jobs", this::listJobs);
    route("GET", "/v1/queue/jobs/{job_id}", this::getJob);
    route("POST", "/v1/queue/jobs/{job_id}/cancel", this::cancel);
    route("POST", "/v1/queue/jobs/{job_id}/retry", this::retry);
    route("GET", "/v1/queue/jobs/{job_id}/events", this::events);
    route("GET", "/v1/queue/depth", this::depth);
    route("POST", "/v1/queue/hitl/{request_id}/approve", this::approve);
    route("POST", "/v1/queue/hitl/{request_id}/reject", this::reject);
    route("GET", "/v1/queue/hitl", this::pending);
    route("GET", "/v1/queue/correlation/{correlation_id}", this::correlation);
    route("GET", "/v1/queue/queues", this::queues);
    route("POST", "/v1/queue/queues/{queue}/pause", c -> pause(c, true));
    route("POST", "/v1/queue/queues/{queue}/resume", c -> pause(c, false));
    route("GET", "/v1/queue/workers", this::workers);
    route("POST", "/v1/queue/purge", this::purge);
    route("GET", "/v1/queue/observability/metrics", this::metrics);
    route("GET", "/v1/scheduled-tasks", this::listTasks);
    route("POST", "/v1/scheduled-tasks", this::createTask);
    route("PATCH", "/v1/scheduled-tasks/{task_id}", this::patchTask);
    route("DELETE", "/v1/scheduled-tasks/{task_id}", this::deleteTask);
    routes.add(
        new Route("GET", "/v1/openapi.json", "/v1/openapi.json".substring(1).split("/"), false,
            c -> new RestResponse(200, JSON, openApi, Map.of())));
  }

  private void route(String method, String template, Handler h) {
    routes.add(new Route(method, template, template.substring(1).split("/"), true, h));
  }

  /** The (method, template) pairs served, for the OpenAPI check. */
  public List<String> routeTable() {
    return routes.stream().map(r -> r.method() + " " + r.template()).toList();
  }

  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  private static byte[] loadOpenApi() {
    try (InputStream in = Api.class.getResourceAsStream("/dev/docket/rest/openapi.json")) {
      if (in == null) {
        return "{}".getBytes(StandardCharsets.UTF_8);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read openapi.json", e);
    }
  }

  // ------------------------------------------------------------------ dispatch

  public RestResponse handle(RestRequest req) {
    try {
      return dispatch(req);
    } catch (RuntimeException e) {
      return problem(e);
    }
  }

  private RestResponse dispatch(RestRequest req) {
    if (req.body().length > maxBodyBytes) {
      throw new HttpError(413, "the body is larger than " + maxBodyBytes + " bytes");
    }
    List<String> segments = segments(req.rawPath());
    Route matched = null;
    Map<String, String> params = Map.of();
    Set<String> allowed = new java.util.TreeSet<>();
    for (Route r : routes) {
      Map<String, String> p = match(r, segments);
      if (p != null) {
        String method = req.method().equals("HEAD") ? "GET" : req.method();
        if (r.method().equals(method)) {
          matched = r;
          params = p;
          break;
        }
        allowed.add(r.method());
      }
    }
    if (matched == null) {
      if (!allowed.isEmpty()) {
        return problem(405, "method " + req.method() + " is not allowed here; allowed: " + allowed, List.of(),
            Map.of("Allow", String.join(", ", allowed)));
      }
      throw new HttpError(404, "no such resource");
    }
    Principal principal = null;
    ScopedDocket as = null;
    if (matched.authenticated()) {
      principal = authenticate(req);
      as = docket.as(principal);
    }
    for (Map.Entry<String, String> e : params.entrySet()) {
      Pattern rule = e.getKey().equals("queue") ? QUEUE : ID;
      if (!rule.matcher(e.getValue()).matches()) {
        throw new HttpError(404, "no such resource");
      }
    }
    return matched.handler().handle(new Call(req, principal, as, params, query(req.rawQuery())));
  }

  private Principal authenticate(RestRequest req) {
    String h = req.header("Authorization").orElse("");
    if (!h.regionMatches(true, 0, "Bearer ", 0, 7) || h.substring(7).isBlank()) {
      throw new HttpError(401, "missing bearer token: send Authorization: Bearer <token>");
    }
    Optional<Principal> p = authenticator.authenticate(h.substring(7).strip());
    if (p.isEmpty() || p.get().id().equals(Principal.SYSTEM.id())) {
      throw new HttpError(401, "unknown token");
    }
    return p.get();
  }

  private static List<String> segments(String rawPath) {
    String path = rawPath.isEmpty() ? "/" : rawPath;
    if (!path.startsWith("/")) {
      throw new HttpError(404, "no such resource");
    }
    List<String> out = new ArrayList<>();
    String[] raw = path.substring(1).split("/", -1);
    for (int i = 0; i < raw.length; i++) {
      String s = raw[i];
      if (s.isEmpty() && i == raw.length - 1 && i > 0) {
        continue; // one trailing slash
      }
      String decoded;
      try {
        decoded = URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new HttpError(400, "malformed path");
      }
      if (decoded.indexOf('/') >= 0 || decoded.indexOf('\u0000') >= 0 || decoded.equals("..") || decoded.equals(".")) {
        throw new HttpError(400, "malformed path segment");
      }
      out.add(decoded);
    }
    return out;
  }

  private static @Nullable Map<String, String> match(Route r, List<String> segments) {
    if (r.parts().length != segments.size()) {
      return null;
    }
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < r.parts().length; i++) {
      String part = r.parts()[i];
      if (part.startsWith("{")) {
        params.put(part.substring(1, part.length() - 1), segments.get(i));
      } else if (!part.equals(segments.get(i))) {
        return null;
      }
    }
    return params;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new LinkedHashMap<>();
    if (raw.isEmpty()) {
      return q;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        if (q.putIfAbsent(k, v) != null) {
          throw HttpError.field(k, "is given more than once");
        }
      } catch (IllegalArgumentException e) {
        throw new HttpError(400, "malformed query string");
      }
    }
    return q;
  }

  // ------------------------------------------------------------------ helpers

  private static RestResponse json(int status, JsonNode body) {
    try {
      return new RestResponse(status, JSON, Bodies.MAPPER.writeValueAsBytes(body), Map.of());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int limit(Call c) {
    String v = c.query().get("limit");
    if (v == null) {
      return Page.DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n < Page.MIN_LIMIT || n > Page.MAX_LIMIT) {
        throw HttpError.field("limit", "must be within 1..500, was " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw HttpError.field("limit", "must be an integer within 1..500, was '" + abbreviate(v) + "'");
    }
  }

  private static Optional<Cursor> cursor(Call c) {
    String v = c.query().get("cursor");
    return v == null ? Optional.empty() : Optional.of(Cursor.of(v));
  }

  private static String abbreviate(String v) {
    String s = v.replaceAll("\\p{Cntrl}", "?");
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }

  private Map<JobId, ApprovalRequest> approvals(Call c, List<Job> jobs) {
    return c.scoped().hitl().forJobs(jobs.stream().map(Job::id).toList());
  }

  private RestResponse jobResponse(Call c, int status, Job j) {
    return json(status, Views.job(j, approvals(c, List.of(j)).get(j.id())));
  }

  private RestResponse jobList(Call c, Page<Job> page, @Nullable String correlationId) {
    Map<JobId, ApprovalRequest> a = approvals(c, page.items());
    List<ObjectNode> items = page.items().stream().map(j -> Views.job(j, a.get(j.id()))).toList();
    ObjectNode body = Views.list(items, page.next());
    if (correlationId != null) {
      ObjectNode withId = Views.F.objectNode();
      withId.put("correlation_id", correlationId);
      withId.setAll(body);
      return json(200, withId);
    }
    return json(200, body);
  }

  // ------------------------------------------------------------------ queue

  private static final Set<String> SUBMIT_FIELDS =
      Set.of("function", "args", "queue", "priority", "defer_until", "defer_by_seconds", "job_id",
          "correlation_id", "max_attempts", "timeout_seconds", "approval");
  private static final Set<String> APPROVAL_FIELDS = Set.of("reason", "approvers", "expires_in_seconds");

  private RestResponse submit(Call c) {
    ObjectNode b = Bodies.object(c.request().body(), SUBMIT_FIELDS, false);
    JobRequest.Builder r = JobRequest.builder(Bodies.string(b, "function", ""));
    JsonNode args = b.get("args");
    if (args == null || args.isNull()) {
      throw HttpError.field("args", "is required (JSON, {} for none)");
    }
    r.args(args);
    Bodies.optString(b, "queue", "").ifPresent(r::queue);
    Bodies.optInt(b, "priority", "").ifPresent(r::priority);
    Optional<java.time.Instant> until = Bodies.optInstant(b, "defer_until", "");
    Optional<Duration> by = Bodies.optSeconds(b, "defer_by_seconds", "", 0, false, 366 * 86_400.0);
    if (until.isPresent() && by.isPresent()) {
      throw HttpError.field("defer_until", "cannot be combined with defer_by_seconds; give one of them");
    }
    until.ifPresent(r::runAt);
    by.ifPresent(r::delay);
    Optional<String> jobId = Bodies.optString(b, "job_id", "");
    if (jobId.isPresent() && !ID.matcher(jobId.get()).matches()) {
      throw HttpError.field("job_id", "'" + abbreviate(jobId.get()) + "' must be 1 to 128 characters of [A-Za-z0-9._:-]");
    }
    jobId.ifPresent(r::jobId);
    Bodies.optString(b, "correlation_id", "").ifPresent(r::correlationId);
    Bodies.optInt(b, "max_attempts", "").ifPresent(r::maxAttempts);
    Bodies.optSeconds(b, "timeout_seconds", "", 0, true, 366 * 86_400.0).ifPresent(r::timeout);
    Optional<ObjectNode> approval = Bodies.optObject(b, "approval", "");
    if (approval.isPresent()) {
      ObjectNode a = approval.get();
      Bodies.only(a, APPROVAL_FIELDS, "approval.");
      ApprovalSpec spec = ApprovalSpec.of(Bodies.string(a, "reason", "approval."));
      JsonNode approvers = a.get("approvers");
      if (approvers != null && !approvers.isNull()) {
        if (!approvers.isArray()) {
          throw HttpError.field("approval.approvers", "must be an array of principal ids");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode n : approvers) {
          if (!n.isTextual()) {
            throw HttpError.field("approval.approvers", "must be an array of principal ids");
          }
          names.add(n.textValue());
        }
        spec = spec.approvers(Set.copyOf(names));
      }
      Optional<Duration> exp = Bodies.optSeconds(a, "expires_in_seconds", "approval.", 0, true, 366 * 86_400.0);
      if (exp.isPresent()) {
        spec = spec.expiresIn(exp.get());
      }
      r.approval(spec);
    }
    dev.docket.Submission done = c.scoped().jobs().submitIfAbsent(r.build());
    return jobResponse(c, done.created() ? 201 : 200, done.job());
  }

  private RestResponse getJob(Call c) {
    return jobResponse(c, 200, c.scoped().jobs().get(JobId.of(c.params().get("job_id"))));
  }

  private RestResponse cancel(Call c) {
    return jobResponse(c, 200, c.scoped().jobs().cancel(JobId.of(c.params().get("job_id"))));
  }

  private RestResponse retry(Call c) {
    return jobResponse(c, 200, c.scoped().jobs().retry(JobId.of(c.params().get("job_id"))));
  }

  private RestResponse events(Call c) {
    ArrayNode items = Views.F.arrayNode();
    c.scoped().jobs().events(JobId.of(c.params().get("job_id"))).forEach(e -> items.add(Views.event(e)));
    ObjectNode o = Views.F.objectNode();
    o.set("items", items);
    return json(200, o);
  }

  private RestResponse listJobs(Call c) {
    JobFilter f = JobFilter.all();
    String status = c.query().get("status");
    if (status != null) {
      try {
        f = f.status(JobStatus.valueOf(status.strip().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw HttpError.field("status", "'" + abbreviate(status) + "' is not a job status");
      }
    }
    String queue = c.query().get("queue");
    if (queue != null) {
      f = f.queue(queue);
    }
    String function = c.query().get("function");
    if (function != null) {
      f = f.function(function);
    }
    String corr = c.query().get("correlation_id");
    if (corr != null) {
      f = f.correlationId(corr);
    }
    int limit = limit(c);
    return jobList(c, c.scoped().jobs().list(f, cursor(c), limit), null);
  }

  private RestResponse correlation(Call c) {
    String id = c.params().get("correlation_id");
    int limit = limit(c);
    return jobList(c, c.scoped().jobs().list(JobFilter.all().correlationId(id), cursor(c), limit), id);
  }

  private RestResponse depth(Call c) {
    String only = c.query().get("queue");
    if (only != null && !QUEUE.matcher(only).matches()) {
      throw HttpError.field("queue", "'" + abbreviate(only) + "' must be 1 to 64 characters of [a-z0-9_-]");
    }
    Map<String, QueueDepth> all = c.scoped().jobs().depth();
    Set<String> paused = docket.admin().pausedQueues();
    Map<String, QueueDepth> shown = new java.util.TreeMap<>();
    if (only != null) {
      shown.put(only, all.getOrDefault(only, QueueDepth.empty(only)));
    } else {
      shown.putAll(all);
      if (c.caller().isAdmin()) {
        paused.forEach(q -> shown.putIfAbsent(q, QueueDepth.empty(q)));
      }
    }
    ArrayNode queues = Views.F.arrayNode();
    QueueDepth total = QueueDepth.empty("total");
    for (Map.Entry<String, QueueDepth> e : shown.entrySet()) {
      queues.add(Views.depth(e.getKey(), e.getValue(), paused.contains(e.getKey())));
      total = total.plus("total", e.getValue());
    }
    ObjectNode o = Views.F.objectNode();
    o.set("queues", queues);
    o.set("total", Views.depth(null, total, !shown.isEmpty() && shown.keySet().stream().allMatch(paused::contains)));
    return json(200, o);
  }

  // ------------------------------------------------------------------ hitl

  private RestResponse approve(Call c) {
    ObjectNode b = Bodies.object(c.request().body(), Set.of("note"), true);
    String note = Bodies.optString(b, "note", "").orElse("");
    return json(200, Views.approval(c.scoped().hitl().approve(ApprovalId.of(c.params().get("request_id")), note)));
  }

  private RestResponse reject(Call c) {
    ObjectNode b = Bodies.object(c.request().body(), Set.of("reason"), false);
    String reason = Bodies.string(b, "reason", "");
    return json(200, Views.approval(c.scoped().hitl().reject(ApprovalId.of(c.params().get("request_id")), reason)));
  }

  private RestResponse pending(Call c) {
    int limit = limit(c);
    Page<ApprovalRequest> p = c.scoped().hitl().pending(cursor(c), limit);
    return json(200, Views.list(p.items().stream().map(Views::approval).toList(), p.next()));
  }

  // ------------------------------------------------------------------ admin

  private RestResponse queues(Call c) {
    ArrayNode items = Views.F.arrayNode();
    c.scoped().admin().queues().forEach(q -> items.add(Views.queue(q)));
    ObjectNode o = Views.F.objectNode();
    o.set("items", items);
    return json(200, o);
  }

  private RestResponse pause(Call c, boolean pause) {
    String q = c.params().get("queue");
    QueueInfo info = pause ? c.scoped().admin().pause(q) : c.scoped().admin().resume(q);
    return json(200, Views.queue(info));
  }

  private RestResponse workers(Call c) {
    ArrayNode items = Views.F.arrayNode();
    c.scoped().admin().nodes().forEach(n -> items.add(Views.worker(n)));
    ObjectNode o = Views.F.objectNode();
    o.set("items", items);
    return json(200, o);
  }

  private RestResponse purge(Call c) {
    if (!c.caller().isAdmin()) {
      throw new AccessDeniedException(c.caller().id(), "purge jobs", "needs the ADMIN role");
    }
    ObjectNode b = Bodies.object(c.request().body(), Set.of("older_than_seconds", "statuses"), false);
    Duration older =
        Bodies.optSeconds(b, "older_than_seconds", "", 0, false, 100L * 366 * 86_400)
            .orElseThrow(() -> HttpError.field("older_than_seconds", "is required"));
    Set<JobStatus> statuses = EnumSet.noneOf(JobStatus.class);
    JsonNode s = b.get("statuses");
    if (s != null && !s.isNull()) {
      if (!s.isArray()) {
        throw HttpError.field("statuses", "must be an array of job statuses");
      }
      if (s.isEmpty()) {
        throw HttpError.field("statuses", "must name at least one terminal status (leave it out for all of them)");
      }
      for (JsonNode n : s) {
        JobStatus st;
        try {
          st = JobStatus.valueOf(n.asText("").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw HttpError.field("statuses", "'" + abbreviate(n.asText("")) + "' is not a job status");
        }
        if (!n.isTextual() || !st.isTerminal()) {
          throw HttpError.field("statuses", "'" + n.asText() + "' is not a terminal status; purge takes " + terminalNames());
        }
        statuses.add(st);
      }
    }
    long deleted = c.scoped().admin().purge(older, statuses);
    ObjectNode o = Views.F.objectNode();
    o.put("deleted", deleted);
    return json(200, o);
  }

  private static List<String> terminalNames() {
    return JobStatus.terminal().stream().map(JobStatus::wireName).sorted().toList();
  }

  private RestResponse metrics(Call c) {
    if (!c.caller().isAdmin()) {
      throw new AccessDeniedException(c.caller().id(), "read metrics", "needs the ADMIN role");
    }
    Duration window = null;
    String w = c.query().get("window_seconds");
    if (w != null) {
      try {
        long secs = Long.parseLong(w.strip());
        if (secs < 1 || secs > 3600) {
          throw HttpError.field("window_seconds", "must be within 1..3600, was " + w);
        }
        window = Duration.ofSeconds(secs);
      } catch (NumberFormatException e) {
        throw HttpError.field("window_seconds", "must be an integer within 1..3600");
      }
    }
    dev.docket.MetricsSnapshot m = window == null ? c.scoped().admin().metrics() : c.scoped().admin().metrics(window);
    String accept = c.request().header("Accept").orElse("");
    if (accept.contains("text/plain") && !accept.contains(JSON)) {
      return new RestResponse(200, "text/plain; version=0.0.4; charset=utf-8",
          m.toPrometheus().getBytes(StandardCharsets.UTF_8), Map.of());
    }
    return json(200, Views.metrics(m));
  }

  // ------------------------------------------------------------------ tasks

  private static final Set<String> TASK_FIELDS = Set.of("name", "schedule", "timezone", "action", "args", "enabled");

  private RestResponse listTasks(Call c) {
    int limit = limit(c);
    Page<ScheduledTask> p = c.scoped().scheduler().list(cursor(c), limit);
    return json(200, Views.list(p.items().stream().map(Views::task).toList(), p.next()));
  }

  private RestResponse createTask(Call c) {
    ObjectNode b = Bodies.object(c.request().body(), TASK_FIELDS, false);
    String name = Bodies.string(b, "name", "");
    String schedule = Bodies.string(b, "schedule", "");
    String zone = Bodies.string(b, "timezone", "");
    String action = Bodies.string(b, "action", "");
    JsonNode args = b.get("args");
    if (args == null || args.isNull()) {
      throw HttpError.field("args", "is required (a JSON object)");
    }
    TaskSpec.Builder spec = TaskSpec.builder(name, schedule, action).timezone(zone).args(args);
    if (!Bodies.optBool(b, "enabled", "").orElse(true)) {
      spec.disabled();
    }
    return json(201, Views.task(c.scoped().scheduler().create(spec.build())));
  }

  private RestResponse patchTask(Call c) {
    String type = c.request().header("Content-Type").orElse(JSON).toLowerCase(Locale.ROOT);
    if (!type.startsWith(JSON) && !type.startsWith("application/merge-patch+json")) {
      throw new HttpError(415, "PATCH takes application/json or application/merge-patch+json");
    }
    TaskId id = TaskId.of(c.params().get("task_id"));
    ObjectNode b = Bodies.object(c.request().body(), TASK_FIELDS, false);
    for (String f : List.of("name", "schedule", "timezone", "action", "enabled")) {
      if (b.has(f) && b.get(f).isNull()) {
        throw HttpError.field(f, "cannot be removed (null); give a value");
      }
    }
    TaskUpdate u = TaskUpdate.of();
    Optional<String> name = Bodies.optString(b, "name", "");
    if (name.isPresent()) {
      u = u.name(name.get());
    }
    Optional<String> schedule = Bodies.optString(b, "schedule", "");
    if (schedule.isPresent()) {
      u = u.schedule(schedule.get());
    }
    Optional<String> zone = Bodies.optString(b, "timezone", "");
    if (zone.isPresent()) {
      u = u.timezone(zone.get());
    }
    Optional<String> action = Bodies.optString(b, "action", "");
    if (action.isPresent()) {
      u = u.action(action.get());
    }
    Optional<Boolean> enabled = Bodies.optBool(b, "enabled", "");
    if (enabled.isPresent()) {
      u = u.enabled(enabled.get());
    }
    if (b.has("args")) {
      JsonNode patch = b.get("args");
      if (!patch.isObject()) {
        throw HttpError.field("args", "must stay a JSON object");
      }
      u = u.mergeArgs(patch); // merged inside the store's update: concurrent PATCHes keep every key
    }
    return json(200, Views.task(c.scoped().scheduler().update(id, u)));
  }

  private RestResponse deleteTask(Call c) {
    c.scoped().scheduler().delete(TaskId.of(c.params().get("task_id")));
    return RestResponse.empty(204);
  }

  // ------------------------------------------------------------------ errors

  /** The one table of exception to status. */
  RestResponse problem(RuntimeException e) {
    if (e instanceof HttpError h) {
      return problem(h.status(), h.getMessage(), h.errors(), h.status() == 401 ? Map.of("WWW-Authenticate", "Bearer") : Map.of());
    }
    if (e instanceof InvalidRequestException i) {
      String field = restField(i.field());
      return problem(400, field + ": " + i.reason(), List.of(new HttpError.FieldError(field, i.reason())), Map.of());
    }
    if (e instanceof JobNotFoundException || e instanceof ApprovalNotFoundException || e instanceof TaskNotFoundException) {
      return problem(404, e.getMessage(), List.of(), Map.of());
    }
    if (e instanceof AccessDeniedException) {
      return problem(403, e.getMessage(), List.of(), Map.of());
    }
    if (e instanceof JobIdConflictException) {
      return problem(409, "job_id is already used by another owner", List.of(new HttpError.FieldError("job_id", "is taken")), Map.of());
    }
    if (e instanceof IllegalJobStateException || e instanceof ApprovalConflictException) {
      return problem(409, e.getMessage(), List.of(), Map.of());
    }
    if (e instanceof StoreException) {
      log.warn("store error answering a request: {}", e.toString());
      return problem(503, "the job store is unavailable; try again", List.of(), Map.of("Retry-After", "1"));
    }
    if (e instanceof DocketException) {
      return problem(400, e.getMessage(), List.of(), Map.of());
    }
    log.error("unexpected error answering a request", e);
    return problem(500, "internal error", List.of(), Map.of());
  }

  private static final Map<String, String> FIELDS =
      Map.ofEntries(
          Map.entry("maxAttempts", "max_attempts"),
          Map.entry("delay", "defer_by_seconds"),
          Map.entry("runAt", "defer_until"),
          Map.entry("timeout", "timeout_seconds"),
          Map.entry("jobId", "job_id"),
          Map.entry("correlationId", "correlation_id"),
          Map.entry("requestId", "request_id"),
          Map.entry("taskId", "task_id"),
          Map.entry("approval.expiresIn", "approval.expires_in_seconds"),
          Map.entry("olderThan", "older_than_seconds"),
          Map.entry("window", "window_seconds"));

  static String restField(String javaField) {
    String f = FIELDS.get(javaField);
    if (f != null) {
      return f;
    }
    if (javaField.startsWith("args")) {
      return javaField;
    }
    return javaField.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  private static RestResponse problem(int status, String detail, List<HttpError.FieldError> errors, Map<String, String> headers) {
    ObjectNode o = Views.F.objectNode();
    o.put("type", "about:blank");
    o.put("title", title(status));
    o.put("status", status);
    o.put("detail", detail);
    ArrayNode a = o.putArray("errors");
    for (HttpError.FieldError fe : errors) {
      ObjectNode x = a.addObject();
      x.put("field", fe.field());
      x.put("message", fe.message());
    }
    try {
      return new RestResponse(status, PROBLEM, Bodies.MAPPER.writeValueAsBytes(o), headers);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Payload Too Large";
      case 415 -> "Unsupported Media Type";
      case 503 -> "Service Unavailable";
      default -> "Internal Server Error";
    };
  }
}
