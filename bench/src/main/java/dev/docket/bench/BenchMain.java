package dev.docket.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.Docket;
import dev.docket.JobRequest;
import dev.docket.TaskSpec;
import dev.docket.action.Action;
import dev.docket.action.ActionContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.docket.jdbc.JdbcStore;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the workloads against Docket, db-scheduler, JobRunr and Quartz in one JVM, one run at a
 * time, each on a fresh database; prints a table and appends JSON lines to the results file.
 *
 * <pre>
 * W1 throughput : enqueue N no-op jobs in batches of --chunk (batch API), then drain;
 *                 enqueue/s = N / enqueue time, executed/s = N / (last start - first enqueue)
 * W1P prefilled : W1 with the N jobs enqueued (the same batches) before any worker starts: the
 *                 batch enqueue into an idle system, then the drain of a full table;
 *                 enqueue/s = N / enqueue time, executed/s = N / (last start - the workers' start)
 * W2 latency    : --w2-jobs single jobs --w2-gap-ms apart into idle workers; submit-to-start ms
 * W3 backlog    : Docket, PostgreSQL: W1 with --w3-n jobs while --w3-backlog future and as many
 *                 finished jobs sit in its table; ratio to the same W1 on an empty table
 * W4 nodes      : Docket, PostgreSQL: 1, 2, 4 engines (8 workers each) share one database and
 *                 drain N while engine 0 enqueues them; executed/s and duplicates
 * W4P prefilled : as W4, but the N jobs are stored before the engines start, so the claims, not
 *                 one engine's enqueue, set the pace; executed/s = N / (last start - engines' start)
 * W5 scheduler  : Docket (and Quartz with cron triggers): --w5-tasks tasks firing every minute;
 *                 over the --w5-minutes whole minutes after they are all created, the lateness
 *                 of each fire (its action's start minus the minute it fired for) p50/p95/p99/max;
 *                 one run per database, no warm-up (the minutes before the first measured one
 *                 are its warm-up), bounded by --w5-timeout seconds
 * </pre>
 *
 * Every run: fresh schema, the same worker count, a warm-up run discarded, --reps measured runs
 * reported as median/min/max, each bounded by --timeout seconds (a run that times out reports the
 * rate it reached and is flagged).
 */
public final class BenchMain {

  static final class Options {
    List<String> systems = List.of("docket", "docket-2nodes", "db-scheduler", "jobrunr", "quartz");
    List<String> dbs = List.of("h2", "postgres");
    List<String> workloads = List.of("w1", "w2");
    int n = 20_000;
    int chunk = 1_000;
    int reps = 3;
    int warmup = 1;
    int workers = 8;
    int timeoutS = 60;
    int warmupTimeoutS = 30;
    int w2Jobs = 200;
    int w2GapMs = 20;
    int w2TimeoutS = 30;
    int w3N = 5_000;
    int w3Backlog = 1_000_000;
    List<Integer> w4Nodes = List.of(1, 2, 4);
    int w5Tasks = 10_000;
    int w5Minutes = 2;
    int w5TimeoutS = 240;
    Path results = Path.of("bench/results/results.jsonl");
    boolean isolate = true;
    String childUnit;
    Path childOut;
    List<String> raw = new ArrayList<>();
  }

  /** One measured figure of one run. */
  record Sample(Map<String, Double> metrics, boolean timedOut, String note) {}

  /** Figures of one (workload, db, system) cell over its repetitions. */
  record Cell(String workload, String db, String system, int n, List<Sample> samples) {}

  private final Options o;
  private final List<Cell> cells = new ArrayList<>();
  private final String runId = Instant.now().toString();

  BenchMain(Options o) {
    this.o = o;
  }

  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    BenchMain m = new BenchMain(o);
    if (o.childUnit != null) {
      m.runUnit(o.childUnit);
      m.writeCells(o.childOut);
      System.exit(0);
    }
    m.header();
    if (o.dbs.contains("postgres")) {
      BenchDb.vacuumCatalogs();
    }
    for (String unit : m.units()) {
      if (o.isolate) {
        m.runChild(unit);
      } else {
        m.runUnit(unit);
      }
    }
    m.printTable();
    m.writeJson();
    System.exit(0);
  }

  // ------------------------------------------------------------------ options

  static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String key;
      String value;
      if (a.contains("=")) {
        key = a.substring(0, a.indexOf('='));
        value = a.substring(a.indexOf('=') + 1);
      } else {
        key = a;
        value = null;
      }
      if (key.equals("--quick")) {
        o.raw.add(key);
        o.n = 2_000;
        o.reps = 1;
        o.warmup = 0;
        o.w2Jobs = 50;
        o.w3Backlog = 100_000;
        o.w3N = 2_000;
        o.timeoutS = 45;
        continue;
      }
      if (key.equals("--help") || key.equals("-h")) {
        usage();
        System.exit(0);
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(key + " needs a value");
        }
        value = args[++i];
      }
      if (!key.equals("--child-unit") && !key.equals("--child-out")) {
        o.raw.add(key);
        o.raw.add(value);
      }
      switch (key) {
        case "--child-unit" -> o.childUnit = value;
        case "--child-out" -> o.childOut = Path.of(value);
        case "--isolate" -> o.isolate = Boolean.parseBoolean(value);
        case "--systems" -> o.systems = list(value);
        case "--dbs" -> o.dbs = list(value);
        case "--workloads" -> o.workloads = list(value);
        case "--n" -> o.n = Integer.parseInt(value);
        case "--chunk" -> o.chunk = Integer.parseInt(value);
        case "--reps" -> o.reps = Integer.parseInt(value);
        case "--warmup" -> o.warmup = Integer.parseInt(value);
        case "--workers" -> o.workers = Integer.parseInt(value);
        case "--timeout" -> o.timeoutS = Integer.parseInt(value);
        case "--warmup-timeout" -> o.warmupTimeoutS = Integer.parseInt(value);
        case "--w2-jobs" -> o.w2Jobs = Integer.parseInt(value);
        case "--w2-gap-ms" -> o.w2GapMs = Integer.parseInt(value);
        case "--w2-timeout" -> o.w2TimeoutS = Integer.parseInt(value);
        case "--w3-n" -> o.w3N = Integer.parseInt(value);
        case "--w3-backlog" -> o.w3Backlog = Integer.parseInt(value);
        case "--w4-nodes" -> o.w4Nodes = list(value).stream().map(Integer::parseInt).toList();
        case "--w5-tasks" -> o.w5Tasks = Integer.parseInt(value);
        case "--w5-minutes" -> o.w5Minutes = Integer.parseInt(value);
        case "--w5-timeout" -> o.w5TimeoutS = Integer.parseInt(value);
        case "--results" -> o.results = Path.of(value);
        case "--pg-url" -> BenchDb.pgUrl = value;
        case "--work-dir" -> BenchDb.workDir = Path.of(value);
        default -> {
          usage();
          throw new IllegalArgumentException("unknown option " + key);
        }
      }
    }
    return o;
  }

  private static List<String> list(String v) {
    return Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  static void usage() {
    System.out.println(
        """
        BenchMain [options]
          --systems docket,docket-2nodes,db-scheduler,jobrunr,quartz   systems (default: all; docket-2nodes =
                                                 submit on one node, run on another, PostgreSQL only)
          --dbs h2,postgres                              databases (default: both)
          --workloads w1,w2[,w1p,w3,w4,w4p,w5]           workloads (default: w1,w2)
          --n 20000         W1/W4 jobs               --chunk 1000     batch size of the enqueue
          --reps 3          measured repetitions     --warmup 1       discarded warm-up runs
          --workers 8       workers per system       --timeout 60     seconds per measured run
          --warmup-timeout 30                        seconds per warm-up run
          --w2-jobs 200  --w2-gap-ms 20  --w2-timeout 30 (seconds after the last submit)
          --w3-n 5000  --w3-backlog 1000000          W3 jobs and backlog (future + finished each)
          --w4-nodes 1,2,4                           W4 engine counts
          --w5-tasks 10000  --w5-minutes 2  --w5-timeout 240   W5 (docket, quartz) cron tasks,
                            measured minute boundaries, seconds per database
          --results bench/results/results.jsonl      JSON lines appended here
          --pg-url jdbc:postgresql://127.0.0.1:5432/docket_test?user=postgres
          --work-dir /tmp/docket-bench               where the H2 databases go
          --quick           N=2000, 1 rep, no warm-up, 50 W2 jobs (a smoke run)
          --isolate true    each (workload, db, system) in its own JVM with this JVM's flags
        """);
  }

  private void header() {
    Runtime rt = Runtime.getRuntime();
    System.out.printf(
        Locale.ROOT,
        "Docket bench %s | java %s (%s) | %d cpus | max heap %d MiB | jvm args %s%n",
        runId,
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        rt.availableProcessors(),
        rt.maxMemory() >> 20,
        ManagementFactory.getRuntimeMXBean().getInputArguments());
    System.out.printf(
        Locale.ROOT,
        "systems %s | dbs %s | workloads %s | N %d (chunks of %d) | workers %d | warm-up %d | reps %d | timeout %d s%n%n",
        o.systems,
        o.dbs,
        o.workloads,
        o.n,
        o.chunk,
        o.workers,
        o.warmup,
        o.reps,
        o.timeoutS);
  }

  // ------------------------------------------------------------------ orchestration

  /** What runs, one unit (one JVM when isolated) each: w1:db:system, w2:db:system, w3, w4:k, w4p:k. */
  List<String> units() {
    List<String> units = new ArrayList<>();
    for (String w : o.workloads) {
      switch (w) {
        case "w1", "w2", "w1p" -> {
          for (String db : o.dbs) {
            for (String sys : o.systems) {
              if (sys.equals("docket-2nodes") && (!db.equals("postgres") || w.equals("w1p"))) {
                continue; // two processes on one H2 file: not a configuration H2 supports
              }
              units.add(w + ":" + db + ":" + sys);
            }
          }
        }
        case "w3" -> units.add("w3");
        case "w4" -> o.w4Nodes.forEach(k -> units.add("w4:" + k));
        case "w4p" -> o.w4Nodes.forEach(k -> units.add("w4p:" + k));
        case "w5" -> {
          for (String db : o.dbs) {
            for (String sys : o.systems) {
              if (sys.equals("docket") || sys.equals("quartz")) {
                units.add("w5:" + db + ":" + sys);
              }
            }
          }
        }
        default -> System.out.println("skipping unknown workload " + w);
      }
    }
    return units;
  }

  void runUnit(String unit) {
    String[] u = unit.split(":");
    switch (u[0]) {
      case "w1", "w2" -> {
        String db = u[1];
        String sys = u[2];
        boolean w1 = u[0].equals("w1");
        cell(u[0], db, sys, w1 ? o.n : o.w2Jobs, warm -> w1 ? w1(sys, db, o.n, warm) : w2(sys, db, warm));
      }
      case "w1p" -> cell("w1p", u[1], u[2], o.n, warm -> w1Prefilled(u[2], u[1], o.n, warm));
      case "w3" -> w3();
      case "w4" -> {
        int k = Integer.parseInt(u[1]);
        cell("w4", "postgres", "docket x" + k, o.n, warm -> w4(k, warm));
      }
      case "w4p" -> {
        int k = Integer.parseInt(u[1]);
        cell("w4p", "postgres", "docket x" + k, o.n, warm -> w4Prefilled(k, warm));
      }
      case "w5" -> w5(u[1], u[2]);
      default -> throw new IllegalArgumentException("unknown unit " + unit);
    }
  }

  /** Runs one unit in a fresh JVM with this JVM's flags; a hung child is killed. */
  void runChild(String unit) {
    try {
      Path out = Files.createTempFile("docket-bench-", ".cells");
      List<String> cmd = new ArrayList<>();
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(BenchMain.class.getName());
      cmd.addAll(o.raw);
      cmd.add("--child-unit");
      cmd.add(unit);
      cmd.add("--child-out");
      cmd.add(out.toString());
      Process p = new ProcessBuilder(cmd).inheritIO().start();
      long perRun = Math.max(o.timeoutS, o.w2TimeoutS + o.w2Jobs * (long) o.w2GapMs / 1000) + 90L;
      long limit = 60 + o.warmup * (o.warmupTimeoutS + 90L) + o.reps * perRun + (unit.equals("w3") ? 900 + o.reps * perRun : 0);
      if (!p.waitFor(limit, TimeUnit.SECONDS)) {
        System.out.println("  " + unit + ": child JVM still running after " + limit + " s; killed");
        p.destroyForcibly().waitFor();
      }
      cells.addAll(readCells(out));
      Files.deleteIfExists(out);
    } catch (IOException | InterruptedException e) {
      System.out.println("  " + unit + " FAILED: " + e);
    }
  }

  void writeCells(Path file) throws IOException {
    StringBuilder b = new StringBuilder();
    for (Cell c : cells) {
      b.append(String.join("\t", "cell", c.workload(), c.db(), c.system(), "" + c.n())).append('\n');
      for (Sample s : c.samples()) {
        StringBuilder m = new StringBuilder();
        s.metrics().forEach((k, v) -> m.append(m.length() == 0 ? "" : ",").append(k).append('=').append(v));
        b.append(String.join("\t", "sample", "" + s.timedOut(), m.toString(), s.note().replaceAll("[\t\n]", " ")))
            .append('\n');
      }
    }
    Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
  }

  static List<Cell> readCells(Path file) throws IOException {
    List<Cell> out = new ArrayList<>();
    List<Sample> samples = null;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t", -1);
      if (f[0].equals("cell")) {
        samples = new ArrayList<>();
        out.add(new Cell(f[1], f[2], f[3], Integer.parseInt(f[4]), samples));
      } else if (f[0].equals("sample") && samples != null) {
        Map<String, Double> m = new LinkedHashMap<>();
        if (!f[2].isEmpty()) {
          for (String kv : f[2].split(",")) {
            m.put(kv.substring(0, kv.indexOf('=')), Double.parseDouble(kv.substring(kv.indexOf('=') + 1)));
          }
        }
        samples.add(new Sample(m, Boolean.parseBoolean(f[1]), f.length > 3 ? f[3] : ""));
      }
    }
    return out;
  }

  interface Run {
    Sample run(boolean warmup) throws Exception;
  }

  private Cell cell(String workload, String db, String system, int n, Run run) {
    List<Sample> samples = new ArrayList<>();
    for (int r = -o.warmup; r < o.reps; r++) {
      boolean warm = r < 0;
      String label =
          String.format(
              Locale.ROOT, "%-3s %-9s %-13s %s", workload, db, system, warm ? "warm-up" : "rep " + (r + 1));
      long t = System.nanoTime();
      long hard = (warm ? o.warmupTimeoutS : o.timeoutS) + o.w2TimeoutS + 180L;
      Sample s = guarded(label, () -> run.run(warm), hard);
      System.out.printf(
          Locale.ROOT,
          "  %s  %5.1f s  %s%s%n",
          label,
          (System.nanoTime() - t) / 1e9,
          brief(s.metrics()),
          (s.timedOut() ? "  TIMEOUT" : "") + (s.note().isEmpty() ? "" : "  " + s.note()));
      if (!warm) {
        samples.add(s);
      }
      settle();
    }
    Cell c = new Cell(workload, db, system, n, samples);
    cells.add(c);
    return c;
  }

  /** Runs one run on the runner thread, bounded by a hard limit beyond its own timeout. */
  private Sample guarded(String label, Callable<Sample> c, long hard) {
    ExecutorService runner =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "bench-run");
              t.setDaemon(true);
              return t;
            });
    Future<Sample> f = runner.submit(c);
    try {
      return f.get(hard, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      return new Sample(Map.of(), true, "hung for " + hard + " s; abandoned");
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      System.out.println("  " + label + " FAILED: " + cause);
      cause.printStackTrace(System.out);
      return new Sample(Map.of(), false, "failed: " + cause);
    } finally {
      runner.shutdown();
    }
  }

  private static void settle() {
    System.gc();
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
  }

  private static String brief(Map<String, Double> m) {
    StringBuilder b = new StringBuilder();
    m.forEach((k, v) -> b.append(k).append('=').append(fmt(v)).append(' '));
    return b.toString().strip();
  }

  // ------------------------------------------------------------------ workloads

  Sample w1(String sys, String dbKind, int n, boolean warm) throws Exception {
    try (BenchDb db = BenchDb.fresh(dbKind, sys);
        QueueSystem s = QueueSystem.create(sys, db, o.workers)) {
      s.start();
      return drain(s::enqueueBatch, n, warm);
    }
  }

  /**
   * W1P: the N jobs enqueued in W1's batches while no worker runs, then the workers started; the
   * enqueue's rate without a drain beside it, and the drain's from a full table.
   */
  Sample w1Prefilled(String sys, String dbKind, int n, boolean warm) throws Exception {
    try (BenchDb db = BenchDb.fresh(dbKind, sys);
        QueueSystem s = QueueSystem.create(sys, db, o.workers)) {
      s.prepare();
      Recorder rec = Recorder.install(new Recorder(n));
      long budget = TimeUnit.SECONDS.toNanos(warm ? o.warmupTimeoutS : o.timeoutS);
      long t0 = System.nanoTime();
      int enqueued = enqueueInChunks(s::enqueueBatch, n, t0, budget);
      long t1 = System.nanoTime();
      int early = rec.executed(); // none: nothing runs before the workers start
      s.startWorkers();
      boolean done = enqueued == n && rec.await(budget - (System.nanoTime() - t0));
      long end = done ? rec.lastStartNanos() : System.nanoTime();
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("enqueue_per_s", enqueued / secs(t1 - t0));
      m.put("executed_per_s", rec.executed() / secs(end - t1));
      m.put("duplicates", (double) rec.duplicates());
      String note =
          early > 0
              ? early + " ran before the workers started"
              : done ? "" : "ran " + rec.executed() + " of " + n + " (enqueued " + enqueued + ")";
      return new Sample(m, !done || early > 0, note);
    }
  }

  interface Enqueuer {
    void enqueue(int from, int count) throws Exception;
  }

  /** Enqueues up to n jobs in chunks of --chunk until the budget from t0 is spent; how many. */
  int enqueueInChunks(Enqueuer e, int n, long t0, long budget) throws Exception {
    int enqueued = 0;
    while (enqueued < n && System.nanoTime() - t0 < budget) {
      int c = Math.min(o.chunk, n - enqueued);
      e.enqueue(enqueued, c);
      enqueued += c;
    }
    return enqueued;
  }

  /** Enqueues n jobs in chunks into running workers and waits until every one started. */
  Sample drain(Enqueuer e, int n, boolean warm) throws Exception {
    Recorder rec = Recorder.install(new Recorder(n));
    long budget = TimeUnit.SECONDS.toNanos(warm ? o.warmupTimeoutS : o.timeoutS);
    long t0 = System.nanoTime();
    int enqueued = enqueueInChunks(e, n, t0, budget);
    long t1 = System.nanoTime();
    boolean done = enqueued == n && rec.await(budget - (t1 - t0));
    long end = done ? rec.lastStartNanos() : System.nanoTime();
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("enqueue_per_s", enqueued / secs(t1 - t0));
    m.put("executed_per_s", rec.executed() / secs(end - t0));
    m.put("duplicates", (double) rec.duplicates());
    String note = done ? "" : "ran " + rec.executed() + " of " + n + " (enqueued " + enqueued + ")";
    return new Sample(m, !done, note);
  }

  Sample w2(String sys, String dbKind, boolean warm) throws Exception {
    int jobs = o.w2Jobs;
    try (BenchDb db = BenchDb.fresh(dbKind, sys);
        QueueSystem s = QueueSystem.create(sys, db, o.workers)) {
      s.start();
      Recorder rec = Recorder.install(new Recorder(jobs));
      Thread.sleep(1_000); // idle workers
      long[] submitted = new long[jobs];
      long gap = TimeUnit.MILLISECONDS.toNanos(o.w2GapMs);
      long base = System.nanoTime();
      for (int i = 0; i < jobs; i++) {
        long target = base + i * gap;
        long now;
        while ((now = System.nanoTime()) < target) {
          LockSupport.parkNanos(target - now);
        }
        submitted[i] = System.nanoTime();
        s.enqueueOne(i);
      }
      boolean done = rec.await(TimeUnit.SECONDS.toNanos(warm ? 10 : o.w2TimeoutS));
      double[] lat = new double[jobs];
      int k = 0;
      for (int i = 0; i < jobs; i++) {
        long started = rec.startNanos(i);
        if (started != 0) {
          lat[k++] = (started - submitted[i]) / 1e6;
        }
      }
      lat = Arrays.copyOf(lat, k);
      Arrays.sort(lat);
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("p50_ms", pct(lat, 50));
      m.put("p95_ms", pct(lat, 95));
      m.put("p99_ms", pct(lat, 99));
      m.put("max_ms", k == 0 ? Double.NaN : lat[k - 1]);
      return new Sample(m, !done, done ? "" : "started " + k + " of " + jobs);
    }
  }

  /** W3: Docket on PostgreSQL, W1 with a backlog of future and finished jobs, and without. */
  void w3() {
    if (!o.dbs.contains("postgres") || !o.systems.contains("docket")) {
      System.out.println("W3 needs docket and postgres; skipped");
      return;
    }
    Cell base =
        cell("w3", "postgres", "docket", o.w3N, warm -> w1("docket", "postgres", o.w3N, warm));
    BenchDb db = BenchDb.fresh("postgres", "w3backlog");
    try {
      long t = System.nanoTime();
      fillBacklog(db, o.w3Backlog);
      System.out.printf(
          Locale.ROOT,
          "  w3  filled %,d future + %,d finished jobs in %.1f s%n",
          o.w3Backlog,
          o.w3Backlog,
          (System.nanoTime() - t) / 1e9);
      Cell backlog =
          cell(
              "w3",
              "postgres",
              "docket+backlog",
              o.w3N,
              warm -> {
                try (QueueSystem s = QueueSystem.create("docket", db, o.workers)) {
                  s.start();
                  return drain(s::enqueueBatch, o.w3N, warm);
                }
              });
      double ratio = median(values(backlog, "executed_per_s")) / median(values(base, "executed_per_s"));
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("ratio_executed", ratio);
      cells.add(new Cell("w3", "postgres", "backlog/empty", o.w3N, List.of(new Sample(m, false, ""))));
      System.out.printf(Locale.ROOT, "  w3  ratio executed/s with backlog / without: %.2f%n", ratio);
    } catch (Exception e) {
      System.out.println("  w3 FAILED: " + e);
      e.printStackTrace(System.out);
    } finally {
      db.close();
    }
  }

  /** Fills Docket's table on db with {@code count} finished and {@code count} future jobs. */
  static void fillBacklog(BenchDb db, int count) throws Exception {
    HikariDataSource ds = db.pool(2, "fill");
    JdbcStore.builder(ds).build().close();
    String p = JdbcStore.DEFAULT_PREFIX;
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      String insert =
          "INSERT INTO "
              + p
              + "jobs (id, function_name, queue, status, priority, args, attempts, max_attempts,"
              + " owner_id, created_at, scheduled_at, finished_at) SELECT %s || g, 'noop', 'default', '%s', 0,"
              + " '{\"i\":-1}', 1, 3, 'system', now() - interval '1 day' + g * interval '1 millisecond', %s, %s"
              + " FROM generate_series(1, %d) g";
      s.execute(String.format(Locale.ROOT, insert, "'done-'", "SUCCEEDED", "now() - interval '1 day'", "now()", count));
      s.execute(
          String.format(
              Locale.ROOT,
              insert,
              "'future-'",
              "SCHEDULED",
              "now() + interval '1 day' + g * interval '1 second'",
              "NULL",
              count));
      s.execute("VACUUM ANALYZE " + p + "jobs");
    }
  }

  /** W4: k Docket engines with 8 workers each share one PostgreSQL database and drain N. */
  Sample w4(int k, boolean warm) throws Exception {
    try (BenchDb db = BenchDb.fresh("postgres", "w4")) {
      List<Docket> engines = new ArrayList<>();
      try {
        for (int i = 0; i < k; i++) {
          engines.add(DocketSystem.engine(DocketSystem.store(db, "docket-" + i), o.workers).start());
        }
        Docket producer = engines.get(0);
        return drain(
            (from, count) -> producer.jobs().submitAll(DocketSystem.requests(from, count)),
            o.n,
            warm);
      } finally {
        for (Docket d : engines) {
          d.close();
        }
      }
    }
  }

  /**
   * W4P: N jobs are stored first (by an engine that was never started, so it claims nothing),
   * then k engines start together and drain them.
   */
  Sample w4Prefilled(int k, boolean warm) throws Exception {
    try (BenchDb db = BenchDb.fresh("postgres", "w4p")) {
      Recorder rec = Recorder.install(new Recorder(o.n));
      try (Docket filler = DocketSystem.engine(DocketSystem.store(db, "filler"), o.workers)) {
        for (int from = 0; from < o.n; from += o.chunk) {
          filler.jobs().submitAll(DocketSystem.requests(from, Math.min(o.chunk, o.n - from)));
        }
      }
      List<Docket> engines = new ArrayList<>();
      try {
        for (int i = 0; i < k; i++) {
          engines.add(DocketSystem.engine(DocketSystem.store(db, "docket-" + i), o.workers));
        }
        long budget = TimeUnit.SECONDS.toNanos(warm ? o.warmupTimeoutS : o.timeoutS);
        long t0 = System.nanoTime();
        for (Docket d : engines) {
          d.start();
        }
        boolean done = rec.await(budget);
        long end = done ? rec.lastStartNanos() : System.nanoTime();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("executed_per_s", rec.executed() / secs(end - t0));
        m.put("duplicates", (double) rec.duplicates());
        return new Sample(m, !done, done ? "" : "ran " + rec.executed() + " of " + o.n);
      } finally {
        for (Docket d : engines) {
          d.close();
        }
      }
    }
  }

  /** W5's action for Docket: records the fire's lateness, clock.instant() - ctx.fireTime(). */
  static final class LatenessAction implements Action {
    static final String NAME = "bench_lateness";
    private final Clock clock;

    LatenessAction(Clock clock) {
      this.clock = clock;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public void validate(JsonNode args) {}

    @Override
    public Object run(ActionContext ctx) {
      Instant now = clock.instant();
      W5Recorder.current()
          .fired(ctx.args().get("i").asInt(), ctx.fireTime(), Duration.between(ctx.fireTime(), now).toNanos() / 1e6);
      return null;
    }
  }

  /** W5 on one database for one system: one run, cells for each measured minute and all of them. */
  void w5(String dbKind, String sys) {
    List<Sample> perMinute = new ArrayList<>();
    List<String> minuteNames = new ArrayList<>();
    String label = String.format(Locale.ROOT, "%-3s %-9s %-13s %s", "w5", dbKind, sys, "run");
    long t = System.nanoTime();
    Sample all = guarded(label, () -> w5Run(dbKind, sys, perMinute, minuteNames), o.w5TimeoutS + 120L);
    System.out.printf(
        Locale.ROOT,
        "  %s  %5.1f s  %s%s%n",
        label,
        (System.nanoTime() - t) / 1e9,
        brief(all.metrics()),
        (all.timedOut() ? "  TIMEOUT" : "") + (all.note().isEmpty() ? "" : "  " + all.note()));
    for (int i = 0; i < perMinute.size(); i++) {
      cells.add(new Cell("w5", dbKind, sys + " " + minuteNames.get(i), o.w5Tasks, List.of(perMinute.get(i))));
    }
    cells.add(new Cell("w5", dbKind, sys, o.w5Tasks, List.of(all)));
  }

  Sample w5Run(String dbKind, String sys, List<Sample> perMinute, List<String> minuteNames) throws Exception {
    W5Recorder rec = W5Recorder.install(new W5Recorder());
    long t0 = System.nanoTime();
    long deadline = t0 + TimeUnit.SECONDS.toNanos(o.w5TimeoutS);
    try (BenchDb db = BenchDb.fresh(dbKind, "w5" + sys)) {
      AutoCloseable handle;
      int created = 0;
      if (sys.equals("docket")) {
        Clock clock = Clock.systemUTC();
        Docket d =
            Docket.builder()
                .store(DocketSystem.store(db, "docket"))
                .clock(clock)
                .workers("default", o.workers)
                .action(new LatenessAction(clock))
                .build()
                .start();
        handle = d;
        while (created < o.w5Tasks && System.nanoTime() < deadline) {
          d.scheduler()
              .create(
                  TaskSpec.builder("w5-" + created, "* * * * *", LatenessAction.NAME)
                      .args(JsonNodeFactory.instance.objectNode().put("i", created))
                      .build());
          created++;
        }
      } else if (sys.equals("quartz")) {
        QuartzSystem q = new QuartzSystem(db, o.workers);
        handle = q;
        q.start();
        q.scheduleCron(o.w5Tasks);
        created = o.w5Tasks;
      } else {
        throw new IllegalArgumentException("W5 runs docket and quartz only, not " + sys);
      }
      try {
        double createS = secs(System.nanoTime() - t0);
        Instant first = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
        List<Instant> minutes = new ArrayList<>();
        for (int i = 0; i < o.w5Minutes; i++) {
          minutes.add(first.plus(i, ChronoUnit.MINUTES));
        }
        System.out.printf(
            Locale.ROOT,
            "  w5  %s %s: %,d tasks created in %.1f s; measuring the fires for %s%n",
            dbKind,
            sys,
            created,
            createS,
            minutes);
        Instant last = minutes.get(minutes.size() - 1);
        while (rec.count(last) < created && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
        List<Double> every = new ArrayList<>();
        int missing = 0;
        for (Instant m : minutes) {
          List<Double> l = rec.lateness(m);
          every.addAll(l);
          missing += created - l.size();
          Sample s = w5Sample(l, created, createS, rec.duplicates());
          perMinute.add(s);
          minuteNames.add(m.toString().substring(11, 16));
          System.out.printf(Locale.ROOT, "  w5  %s %s fires for %s: %s%s%n", dbKind, sys, m, brief(s.metrics()), s.timedOut() ? "  " + s.note() : "");
        }
        System.out.printf(Locale.ROOT, "  w5  %s %s all fires by minute: %s%n", dbKind, sys, rec.counts());
        Sample s = w5Sample(every, created * minutes.size(), createS, rec.duplicates());
        return s;
      } finally {
        handle.close();
      }
    }
  }

  private static Sample w5Sample(List<Double> lateness, int expected, double createS, int duplicates) {
    double[] lat = lateness.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("p50_ms", pct(lat, 50));
    m.put("p95_ms", pct(lat, 95));
    m.put("p99_ms", pct(lat, 99));
    m.put("max_ms", lat.length == 0 ? Double.NaN : lat[lat.length - 1]);
    m.put("fires", (double) lat.length);
    m.put("create_s", createS);
    m.put("duplicates", (double) duplicates);
    boolean complete = lat.length >= expected;
    return new Sample(m, !complete, complete ? "" : "fired " + lat.length + " of " + expected + " in the time bound");
  }

  // ------------------------------------------------------------------ statistics and output

  static double secs(long nanos) {
    return Math.max(nanos, 1) / 1e9;
  }

  static double pct(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
  }

  static double median(double[] v) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static double[] values(Cell c, String metric) {
    return c.samples().stream()
        .filter(s -> s.metrics().containsKey(metric))
        .mapToDouble(s -> s.metrics().get(metric))
        .toArray();
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (Math.abs(v) >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (Math.abs(v) >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private List<String> metricsOf(Cell c) {
    List<String> names = new ArrayList<>();
    for (Sample s : c.samples()) {
      for (String k : s.metrics().keySet()) {
        if (!names.contains(k)) {
          names.add(k);
        }
      }
    }
    return names;
  }

  void printTable() {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"workload", "db", "system", "metric", "median", "min", "max", "n", "reps", "note"});
    for (Cell c : cells) {
      long timeouts = c.samples().stream().filter(Sample::timedOut).count();
      String note =
          timeouts > 0
              ? timeouts + "/" + c.samples().size() + " timed out"
              : c.samples().stream().map(Sample::note).filter(s -> !s.isEmpty()).findFirst().orElse("");
      List<String> metrics = metricsOf(c);
      if (metrics.isEmpty()) {
        rows.add(new String[] {c.workload(), c.db(), c.system(), "-", "-", "-", "-", "" + c.n(), "0", note});
      }
      for (String m : metrics) {
        double[] v = values(c, m);
        double min = Arrays.stream(v).min().orElse(Double.NaN);
        double max = Arrays.stream(v).max().orElse(Double.NaN);
        rows.add(
            new String[] {
              c.workload(), c.db(), c.system(), m, fmt(median(v)), fmt(min), fmt(max), "" + c.n(), "" + v.length, note
            });
      }
    }
    int[] w = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    StringBuilder b = new StringBuilder("\n");
    for (int ri = 0; ri < rows.size(); ri++) {
      String[] r = rows.get(ri);
      for (int i = 0; i < r.length; i++) {
        boolean right = i >= 4 && i <= 8;
        String cellText = right ? " ".repeat(w[i] - r[i].length()) + r[i] : r[i] + " ".repeat(w[i] - r[i].length());
        b.append(cellText).append(i == r.length - 1 ? "" : "  ");
      }
      b.append('\n');
      if (ri == 0) {
        for (int i = 0; i < w.length; i++) {
          b.append("-".repeat(w[i])).append(i == w.length - 1 ? "" : "  ");
        }
        b.append('\n');
      }
    }
    System.out.println(b.toString().replaceAll(" +\n", "\n"));
  }

  void writeJson() throws IOException {
    Path file = o.results.toAbsolutePath();
    Files.createDirectories(file.getParent());
    try (Writer out =
        Files.newBufferedWriter(
            file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      for (Cell c : cells) {
        long timeouts = c.samples().stream().filter(Sample::timedOut).count();
        for (String m : metricsOf(c)) {
          double[] v = values(c, m);
          out.write(
              String.format(
                  Locale.ROOT,
                  "{\"timestamp\":\"%s\",\"run\":\"%s\",\"system\":\"%s\",\"db\":\"%s\",\"workload\":\"%s\","
                      + "\"metric\":\"%s\",\"median\":%s,\"min\":%s,\"max\":%s,\"n\":%d,\"reps\":%d,"
                      + "\"workers\":%d,\"timeouts\":%d}%n",
                  Instant.now(),
                  runId,
                  c.system(),
                  c.db(),
                  c.workload(),
                  m,
                  json(median(v)),
                  json(Arrays.stream(v).min().orElse(Double.NaN)),
                  json(Arrays.stream(v).max().orElse(Double.NaN)),
                  c.n(),
                  v.length,
                  o.workers,
                  timeouts));
        }
      }
    }
    System.out.println("results appended to " + file);
  }

  private static String json(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.3f", v);
  }
}
