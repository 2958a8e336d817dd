package dev.docket.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.ApprovalRequest;
import dev.docket.ApprovalSpec;
import dev.docket.ApprovalStatus;
import dev.docket.Backoff;
import dev.docket.Docket;
import dev.docket.DocketEvent;
import dev.docket.InvalidRequestException;
import dev.docket.Job;
import dev.docket.JobEvent;
import dev.docket.JobFilter;
import dev.docket.JobHandler;
import dev.docket.JobId;
import dev.docket.JobQueue;
import dev.docket.JobRequest;
import dev.docket.JobStatus;
import dev.docket.Page;
import dev.docket.Principal;
import dev.docket.QueueDepth;
import dev.docket.Role;
import dev.docket.QueueAdmin;
import dev.docket.NodeStatus;
import dev.docket.MetricsSnapshot;
import java.util.Set;
import dev.docket.MisfirePolicy;
import dev.docket.ScheduledTask;
import dev.docket.TaskSpec;
import dev.docket.TaskUpdate;
import java.time.Instant;
import dev.docket.jdbc.JdbcStore;
import dev.docket.memory.InMemoryStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code blocks of README.md and docs/java-api.md, compiled and run. Each block is a region
 * between {@code tag::name[]} and {@code end::name[]} below; {@link #docsQuoteEveryRegionVerbatim}
 * fails when a doc and its region drift apart.
 */
class DocSnippetsTest {

  record Email(String to, String subject) {}

  record Newsletter(List<String> recipients, String subject) {}

  /** Stands in for a real mail client. */
  static final class Mailer {
    final List<Email> sent = new CopyOnWriteArrayList<>();

    String send(Email email) {
      sent.add(email);
      return "sent to " + email.to();
    }
  }

  /** Records every event and lets the test wait until a job reaches a state. */
  static final class Audit {
    final List<DocketEvent> events = new CopyOnWriteArrayList<>();
    private final Map<String, CountDownLatch> reached = new ConcurrentHashMap<>();

    void add(DocketEvent event) {
      events.add(event);
      if (event instanceof DocketEvent.JobChanged c) {
        latch(c.job().id(), c.job().status()).countDown();
      }
    }

    void await(JobId id, JobStatus status) throws InterruptedException {
      assertThat(latch(id, status).await(30, TimeUnit.SECONDS)).as("job %s %s", id, status).isTrue();
    }

    private CountDownLatch latch(JobId id, JobStatus status) {
      return reached.computeIfAbsent(id + " " + status, k -> new CountDownLatch(1));
    }
  }

  @TempDir Path tmp;

  @Test
  void readmeQuickStartStoresJobsDurably() throws Exception {
    Path dataDir = tmp.resolve("docket-data");
    // tag::readme[]
    try (Docket docket = Docket.builder()
        .store(JdbcStore.h2(dataDir))                       // durable, zero set-up
        .workers("default", 4)
        .handler("greet", ctx -> "Hello, " + ctx.args().get("name").asText() + "!")
        .build()
        .start()) {
      Job job = docket.jobs().submit(JobRequest.builder("greet")
          .args("{\"name\": \"Ada\"}")
          .jobId("greet-ada")                               // idempotent: a second submit returns this job
          .build());
      System.out.println(docket.jobs().get(job.id()).status());   // QUEUED, RUNNING or SUCCEEDED
    }
    // end::readme[]

    // Reopened, the same database still has the job, and the id still makes the submit idempotent.
    Audit audit = new Audit();
    try (Docket docket =
        Docket.builder()
            .store(JdbcStore.h2(dataDir))
            .handler("greet", ctx -> "Hello, " + ctx.args().get("name").asText() + "!")
            .listener(audit::add)
            .build()
            .start()) {
      Job again =
          docket.jobs().submit(
              JobRequest.builder("greet").args("{\"name\": \"Bob\"}").jobId("greet-ada").build());
      if (!again.isFinished()) {
        audit.await(again.id(), JobStatus.SUCCEEDED);
      }
      Job done = docket.jobs().get(JobId.of("greet-ada"));
      assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(done.result().orElseThrow().asText()).isEqualTo("Hello, Ada!");
      assertThat(docket.jobs().list(JobFilter.all(), 10).items()).hasSize(1);
    }
  }

  @Test
  void javaApiTourRunsAsDocumented() throws Exception {
    Mailer mailer = new Mailer();
    Audit audit = new Audit();
    // tag::handler[]
    JobHandler newsletter = ctx -> {
      Newsletter n = ctx.args(Newsletter.class);        // args bound to a type (a record here)
      for (String to : n.recipients()) {
        ctx.checkCancelled();                           // throws JobCancelledException once cancelled
        mailer.send(new Email(to, n.subject()));
      }
      ctx.progress(100, "sent");                        // reaches listeners as DocketEvent.JobProgress
      return Map.of("sent", n.recipients().size());     // stored as the job's JSON result
    };
    // end::handler[]

    // tag::build[]
    Docket docket = Docket.builder()
        .store(new InMemoryStore())                     // tests; JdbcStore.h2(dir) to keep jobs
        .workers("default", 4)
        .workers("mail", 2)
        .handler("send-email", ctx -> mailer.send(ctx.args(Email.class)))
        .handler("bounce", ctx -> { throw new IOException("mailbox full"); })
        .handler("newsletter", newsletter)
        .listener(event -> audit.add(event))
        .build()                                        // validates, starts nothing
        .start();                                       // threads start here; a second start() throws
    // end::build[]
    try {
      // tag::submit[]
      Job welcome = docket.jobs().submit(JobRequest.builder("send-email")
          .args("{\"to\": \"ada@example.com\", \"subject\": \"Welcome\"}") // or args(JsonNode), argsFrom(value)
          .queue("mail")                                // [a-z0-9_-]{1,64}; "default" otherwise
          .priority(5)                                  // higher runs first
          .delay(Duration.ofMinutes(10))                // or runAt(instant)
          .jobId("welcome-42")                          // idempotent
          .correlationId("signup-42")                   // groups related jobs
          .maxAttempts(5)
          .timeout(Duration.ofSeconds(30))              // per attempt
          .backoff(Backoff.exponential(Duration.ofSeconds(2), Duration.ofMinutes(10)))
          .build());

      List<Job> batch = docket.jobs().submitAll(List.of(  // all stored, or none
          JobRequest.builder("send-email").argsFrom(new Email("grace@example.com", "Hi")).queue("mail").build(),
          JobRequest.builder("newsletter")
              .argsFrom(new Newsletter(List.of("a@example.com", "b@example.com"), "News"))
              .build()));
      // end::submit[]
      assertThat(welcome.status()).isEqualTo(JobStatus.SCHEDULED);
      for (Job j : batch) {
        audit.await(j.id(), JobStatus.SUCCEEDED);
      }
      Job news = docket.jobs().get(batch.get(1).id());
      assertThat(news.result().orElseThrow().get("sent").asInt()).isEqualTo(2);
      assertThat(audit.events).anyMatch(e -> e instanceof DocketEvent.JobProgress p && p.percent() == 100);
      assertThat(mailer.sent).extracting(Email::to).contains("grace@example.com", "a@example.com", "b@example.com");

      // tag::read[]
      Job j = docket.jobs().get(welcome.id());                 // or find(id): Optional<Job>
      Job cancelled = docket.jobs().cancel(welcome.id());      // waiting: CANCELLED at once; running: asked to stop
      Job requeued = docket.jobs().retry(welcome.id());        // FAILED or CANCELLED -> QUEUED, attempts from 0
      List<JobEvent> history = docket.jobs().events(welcome.id());
      Page<Job> signup = docket.jobs().byCorrelation("signup-42", 50);
      QueueDepth mail = docket.jobs().depth("mail");           // scheduled, queued, running, oldest queued age
      // end::read[]
      assertThat(j.status()).isEqualTo(JobStatus.SCHEDULED);
      assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
      assertThat(requeued.status()).isEqualTo(JobStatus.QUEUED);
      assertThat(requeued.attempts()).isZero();
      assertThat(history)
          .extracting(JobEvent::to)
          .startsWith(JobStatus.SCHEDULED, JobStatus.CANCELLED, JobStatus.QUEUED);
      assertThat(signup.items()).extracting(Job::id).containsExactly(welcome.id());
      assertThat(mail.queue()).isEqualTo("mail");
      audit.await(welcome.id(), JobStatus.SUCCEEDED);
      assertThat(docket.jobs().get(welcome.id()).result().orElseThrow().asText())
          .isEqualTo("sent to ada@example.com");

      for (int i = 0; i < 3; i++) {
        Job b = docket.jobs().submit(JobRequest.builder("bounce").queue("mail").maxAttempts(1).build());
        audit.await(b.id(), JobStatus.FAILED);
      }
      // tag::page[]
      JobFilter failedMail = JobFilter.all().status(JobStatus.FAILED).queue("mail");
      List<Job> failed = new ArrayList<>();
      Page<Job> page = docket.jobs().list(failedMail, 2);      // newest first; 1..500 per page
      failed.addAll(page.items());
      while (page.hasNext()) {
        page = docket.jobs().list(failedMail, page.next().orElseThrow(), 2);
        failed.addAll(page.items());
      }
      // end::page[]
      assertThat(failed).hasSize(3);
      assertThat(failed).allMatch(f -> f.error().orElseThrow().type().equals("java.io.IOException"));

      // tag::callers[]
      JobQueue alice = docket.as(Principal.user("alice")).jobs();
      Job hers = alice.submit(JobRequest.builder("send-email").queue("mail").build());
      Optional<Job> notHers = alice.find(welcome.id());        // empty: docket.jobs() submits as "system"
      String owner = docket.jobs().get(hers.id()).owner();     // "alice": trusted host code sees all
      // end::callers[]
      assertThat(notHers).isEmpty();
      assertThat(owner).isEqualTo("alice");
      assertThat(alice.list(JobFilter.all(), 50).items()).extracting(Job::id).containsExactly(hers.id());

      // tag::approval[]
      Principal assistant = Principal.user("assistant-bot");
      Job call = docket.as(assistant).jobs().submit(JobRequest.builder("send-email")
          .args("{\"to\": \"all@example.com\", \"subject\": \"Price change\"}")
          .queue("mail")
          .approval(ApprovalSpec.of("mails every customer")  // shown to approvers
              .approvers("ops-lead")                          // may decide without the APPROVER role
              .expiresIn(Duration.ofHours(4)))                // then EXPIRED, never run
          .build());                                          // AWAITING_APPROVAL: no worker claims it
      ApprovalRequest request = docket.as(assistant).hitl().forJob(call.id()).orElseThrow();

      var lead = docket.as(Principal.user("ops-lead")).hitl();
      Page<ApprovalRequest> waiting = lead.pending(50);       // what this caller may decide, oldest first
      ApprovalRequest approved = lead.approve(request.id(), "checked the copy"); // job -> QUEUED
      // or lead.reject(request.id(), "not today")            // job -> REJECTED; a second decision: ApprovalConflictException
      // end::approval[]
      assertThat(waiting.items()).extracting(ApprovalRequest::id).containsExactly(request.id());
      assertThat(approved.status()).isEqualTo(ApprovalStatus.APPROVED);
      audit.await(call.id(), JobStatus.SUCCEEDED);
      assertThat(audit.events)
          .anyMatch(e -> e instanceof DocketEvent.ApprovalChanged a && a.request().status() == ApprovalStatus.APPROVED);
      assertThat(docket.as(Principal.of("carol", Role.APPROVER)).hitl().get(request.id()).decidedBy())
          .contains("ops-lead");

      int before = docket.jobs().list(JobFilter.all(), 500).items().size();
      // tag::errors[]
      String field = "";
      try {
        docket.jobs().submitAll(List.of(
            JobRequest.builder("send-email").queue("mail").build(),
            JobRequest.builder("no-such-function").build()));
      } catch (InvalidRequestException e) {
        field = e.field();                              // "requests[1].function"; nothing was stored
      }
      // end::errors[]
      assertThat(field).isEqualTo("requests[1].function");
      assertThat(docket.jobs().list(JobFilter.all(), 500).items()).hasSize(before);
    } finally {
      docket.close();                                   // graceful, idempotent
    }
  }

  @Test
  void docsQuoteEveryRegionVerbatim() throws IOException {
    String source =
        Files.readString(Path.of("src/test/java/dev/docket/examples/DocSnippetsTest.java"));
    String readme = Files.readString(Path.of("../README.md"));
    String javaApi = Files.readString(Path.of("../docs/java-api.md"));
    Matcher m =
        Pattern.compile("// tag::(\\w+)\\[\\]\\n(.*?)\\n\\s*// end::\\1\\[\\]", Pattern.DOTALL)
            .matcher(source);
    List<String> names = new ArrayList<>();
    while (m.find()) {
      String name = m.group(1);
      names.add(name);
      String doc = name.startsWith("readme") ? readme : javaApi;
      assertThat(doc).as("region %s quoted verbatim", name).contains(dedent(m.group(2)));
    }
    assertThat(names)
        .contains("readme", "handler", "build", "submit", "read", "page", "callers", "approval", "errors", "schedule", "admin", "readmeMore");
  }

  private static String dedent(String block) {
    List<String> lines = block.lines().toList();
    int indent =
        lines.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    StringBuilder out = new StringBuilder();
    for (String l : lines) {
      out.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
    }
    return out.toString().stripTrailing();
  }

  @Test
  void schedulerTourRunsAsDocumented() {
    List<String> chat = new CopyOnWriteArrayList<>();
    // tag::schedule[]
    Docket docket = Docket.builder()
        .store(new InMemoryStore())
        .messageSender((room, content) -> chat.add(room + ": " + content.get("body").asText())) // enables send_message
        .build()
        .start();
    ScheduledTask weekly = docket.as(Principal.user("alice")).scheduler().create(
        TaskSpec.builder("Weekly status update", "0 9 * * MON", "send_message")
            .timezone("Europe/Amsterdam")                // IANA zone; UTC by default
            .args("{\"room_id\": \"room-1\", \"content\": {\"msgtype\": \"m.text\", \"body\": \"Status?\"}}")
            .misfirePolicy(MisfirePolicy.FIRE_ONCE)      // after downtime: one fire for the missed window (or SKIP)
            .build());                                   // bad cron, zone, action or args: InvalidRequestException naming the field
    Optional<Instant> next = weekly.nextRunAt();         // empty while disabled
    List<Instant> preview = docket.scheduler().nextFireTimes(weekly.id(), 5);
    ScheduledTask paused = docket.scheduler().update(weekly.id(), TaskUpdate.of().enabled(false));
    ScheduledTask moved = docket.scheduler().update(weekly.id(),
        TaskUpdate.of().schedule("30 8 * * MON-FRI").enabled(true)); // next fire recomputed from now
    ScheduledTask retitled = docket.scheduler().update(weekly.id(),
        TaskUpdate.of().mergeArgs("{\"content\": {\"body\": \"Daily?\"}}")); // RFC 7386 merge patch, applied in the store's update
    Page<Job> runs = docket.jobs().byCorrelation(weekly.id().value(), 50); // its fires: correlation id = task id
    docket.scheduler().delete(weekly.id());              // jobs it enqueued stay
    // end::schedule[]
    try {
      assertThat(next).isPresent();
      assertThat(preview).hasSize(5);
      assertThat(paused.nextRunAt()).isEmpty();
      assertThat(moved.nextRunAt()).isPresent();
      assertThat(retitled.args().path("content").path("body").asText()).isEqualTo("Daily?");
      assertThat(retitled.args().path("content").path("msgtype").asText()).isEqualTo("m.text");
      assertThat(runs.items()).isEmpty();
      assertThat(docket.scheduler().find(weekly.id())).isEmpty();
    } finally {
      docket.close();
    }
  }

  @Test
  void adminTourRunsAsDocumented() throws Exception {
    Audit audit = new Audit();
    try (Docket docket = Docket.builder()
        .store(new InMemoryStore())
        .workers("default", 2)
        .handler("send-email", ctx -> "sent")
        .handler("bounce", ctx -> { throw new IOException("mailbox full"); })
        .listener(audit::add)
        .build()
        .start()) {
      Job bounced = docket.jobs().submit(JobRequest.builder("bounce").maxAttempts(1).build());
      audit.await(bounced.id(), JobStatus.FAILED);
      // tag::admin[]
      QueueAdmin admin = docket.as(Principal.of("ops", Role.ADMIN)).admin(); // every call needs ADMIN
      admin.pause("default");                          // no node claims from it; running jobs finish
      admin.resume("default");
      Page<Job> dead = admin.deadLetters(Optional.empty(), 50); // FAILED jobs with their last error
      Job again = docket.jobs().retry(dead.items().get(0).id()); // back to QUEUED, attempts from 0
      long purged = admin.purge(Duration.ofDays(30), Set.of()); // finished > 30 days ago, in batches
      List<NodeStatus> nodes = admin.nodes();           // heartbeats, busy / total, workers per queue
      MetricsSnapshot m = admin.metrics(Duration.ofMinutes(5));
      double perMinute = m.succeededPerMinute();        // cluster-wide, from the store
      Optional<Double> p99 = m.runMs().p99();           // this node's runs, bounded histogram
      String prometheus = m.toPrometheus();             // text format 0.0.4
      // end::admin[]
      assertThat(dead.items()).extracting(Job::id).containsExactly(bounced.id());
      assertThat(again.status()).isEqualTo(JobStatus.QUEUED);
      assertThat(purged).isZero();
      assertThat(nodes).hasSize(1);
      assertThat(perMinute).isZero();
      assertThat(p99).isPresent();
      assertThat(prometheus).contains("docket_workers");
    }
  }

  @Test
  void readmeApprovalAndScheduleRunAsDocumented() {
    try (Docket docket = Docket.builder()
        .store(new InMemoryStore())
        .handler("post", ctx -> "posted")
        .messageSender((room, content) -> {})
        .build()
        .start()) {
      // tag::readmeMore[]
      Job call = docket.as(Principal.user("bot")).jobs().submit(JobRequest.builder("post")
          .approval(ApprovalSpec.of("posts to everyone").approvers("ops-lead"))
          .build());                                        // AWAITING_APPROVAL until decided
      ApprovalRequest req = docket.hitl().forJob(call.id()).orElseThrow();
      docket.as(Principal.user("ops-lead")).hitl().approve(req.id(), "ok"); // -> QUEUED, runs

      ScheduledTask weekly = docket.scheduler().create(
          TaskSpec.builder("Weekly status update", "0 9 * * MON", "send_message")
              .timezone("Europe/Amsterdam")
              .args("{\"room_id\": \"room-…\", \"content\": {\"msgtype\": \"swp.text\", \"body\": \"Monday status check\"}}")
              .build());
      List<Instant> next = docket.scheduler().nextFireTimes(weekly.id(), 3); // Mondays 09:00 Amsterdam
      // end::readmeMore[]
      assertThat(docket.hitl().get(req.id()).status()).isEqualTo(ApprovalStatus.APPROVED);
      assertThat(next).hasSize(3);
    }
  }
}
