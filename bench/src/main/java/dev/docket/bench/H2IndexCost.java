package dev.docket.bench;

import java.sql.*;
import java.util.*;
import java.time.*;

/**
 * What each index of Docket's H2 jobs table costs at a batch insert, without workers: 14 rounds of
 * 20 batches of 1,000 rows ({@code INSERT ... SELECT FROM TABLE(...)} as the store sends them, or
 * a JDBC batch), rows per second per round. Arguments: {@code table|batch}, then the indexes: a
 * count n (the first n of {@link #IDX}) or -k (only the k-th); optionally the type of the text
 * columns (default CHARACTER LARGE OBJECT), and of the args column alone (default: the same);
 * {@code -Dh2cost.args=K} pads each job's args to K characters. The schema is the one before
 * migration V008.
 * <pre>java -cp "bench/target/docket-bench.jar:bench/target/lib/*" dev.docket.bench.H2IndexCost table 7</pre>
 */
public class H2IndexCost {
  static String JOBS = """
CREATE TABLE jobs (
    id               VARCHAR(128) PRIMARY KEY,
    function_name    VARCHAR(128) NOT NULL,
    queue            VARCHAR(64)  NOT NULL,
    status           VARCHAR(24)  NOT NULL,
    priority         INTEGER      NOT NULL,
    args             %s NOT NULL,
    result           %s,
    error_type       VARCHAR(512),
    error_message    %s,
    error_stack      %s,
    attempts         INTEGER      NOT NULL,
    max_attempts     INTEGER      NOT NULL,
    correlation_id   VARCHAR(128),
    owner_id         VARCHAR(128) NOT NULL,
    timeout_ms       BIGINT,
    backoff          VARCHAR(128),
    cancel_requested BOOLEAN      DEFAULT FALSE NOT NULL,
    created_at       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    scheduled_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    started_at       TIMESTAMP(6) WITH TIME ZONE,
    finished_at      TIMESTAMP(6) WITH TIME ZONE,
    node_id          VARCHAR(128),
    lease_token      VARCHAR(64),
    lease_expires_at TIMESTAMP(6) WITH TIME ZONE,
    history_implicit BOOLEAN NOT NULL DEFAULT FALSE,
    created_by VARCHAR(128)
)""";
  static String[] IDX = {
    "CREATE INDEX jobs_ready ON jobs (status, queue, priority DESC, scheduled_at, created_at, id)",
    "CREATE INDEX jobs_due ON jobs (status, scheduled_at)",
    "CREATE INDEX jobs_leases ON jobs (status, lease_expires_at)",
    "CREATE INDEX jobs_newest ON jobs (created_at DESC, id DESC)",
    "CREATE INDEX jobs_owner_newest ON jobs (owner_id, created_at DESC, id DESC)",
    "CREATE INDEX jobs_correlation ON jobs (correlation_id, created_at DESC, id DESC)",
    "CREATE INDEX jobs_finished ON jobs (finished_at)"};
  static String INS = "INSERT INTO jobs (id, function_name, queue, status, priority, args, attempts,"
                + " max_attempts, correlation_id, owner_id, timeout_ms, backoff, cancel_requested,"
                + " created_at, scheduled_at, created_by, history_implicit)"
                + " SELECT id, fn, q, st, pr, a, 0, ma, corr, own, tmo, bo, FALSE, CAST(cr AS TIMESTAMP(6) WITH TIME ZONE),"
                + " CAST(sc AS TIMESTAMP(6) WITH TIME ZONE), ?, st = 'QUEUED'"
                + " FROM TABLE(id VARCHAR = ?, fn VARCHAR = ?, q VARCHAR = ?, st VARCHAR = ?,"
                + " pr INTEGER = ?, a VARCHAR = ?, ma INTEGER = ?, corr VARCHAR = ?,"
                + " own VARCHAR = ?, tmo BIGINT = ?, bo VARCHAR = ?,"
                + " cr VARCHAR = ?, sc VARCHAR = ?)";
  static String INSB = "INSERT INTO jobs (id, function_name, queue, status, priority, args, attempts,"
                + " max_attempts, correlation_id, owner_id, timeout_ms, backoff, cancel_requested,"
                + " created_at, scheduled_at, created_by, history_implicit) VALUES (?,?,?,?,?,?,0,?,?,?,?,?,FALSE,?,?,?,TRUE)";

  public static void main(String[] a) throws Exception {
    String mode = a[0];
    int nidx = Integer.parseInt(a[1]);
    String lob = a.length > 2 ? a[2] : "CHARACTER LARGE OBJECT";
    String argsType = a.length > 3 ? a[3] : lob; // the args column alone
    int argsLen = Integer.getInteger("h2cost.args", 0); // pad each job's args to this many characters
    String pad = "x".repeat(Math.max(0, argsLen - 20));
    String dir = System.getProperty("java.io.tmpdir") + "/h2-index-cost-" + System.nanoTime();
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir + "/d;WRITE_DELAY=0;LOCK_TIMEOUT=10000")) {
      Statement s = c.createStatement();
      s.execute(String.format(JOBS, argsType, lob, lob, lob));
      if (nidx >= 0) { for (int i = 0; i < nidx; i++) s.execute(IDX[i]); } else s.execute(IDX[-nidx-1]);
      for (int round = 0; round < 14; round++) {
        long t0 = System.nanoTime();
        for (int ch = 0; ch < 20; ch++) {
          c.setAutoCommit(false);
          int n = 1000;
          String[] ids = new String[n], fns = new String[n], qs = new String[n], st = new String[n], args = new String[n], corr = new String[n], own = new String[n], bo = new String[n], cr = new String[n], sc = new String[n];
          Integer[] pr = new Integer[n], ma = new Integer[n]; Long[] tmo = new Long[n];
          String now = OffsetDateTime.now(ZoneOffset.UTC).toString();
          for (int i = 0; i < n; i++) { ids[i] = String.format("%016x-%s", System.nanoTime(), UUID.randomUUID().toString().substring(0,18)); fns[i] = "noop"; qs[i] = "default"; st[i] = "QUEUED"; pr[i] = 0; args[i] = pad.isEmpty() ? "{\"i\":" + i + "}" : "{\"i\":" + i + ",\"p\":\"" + pad + "\"}"; ma[i] = 3; own[i] = "anonymous"; cr[i] = now; sc[i] = now; }
          if (mode.equals("table")) {
            PreparedStatement p = c.prepareStatement(INS);
            p.setString(1, "me");
            Object[][] cols = {ids, fns, qs, st, pr, args, ma, corr, own, tmo, bo, cr, sc};
            for (int k = 0; k < cols.length; k++) p.setObject(k + 2, cols[k]);
            p.executeUpdate();
          } else {
            PreparedStatement p = c.prepareStatement(INSB);
            OffsetDateTime t = OffsetDateTime.now();
            for (int i = 0; i < n; i++) {
              p.setString(1, ids[i]); p.setString(2, "noop"); p.setString(3, "default"); p.setString(4, "QUEUED"); p.setInt(5, 0); p.setString(6, args[i]); p.setInt(7, 3); p.setString(8, null); p.setString(9, "anonymous"); p.setObject(10, null); p.setString(11, null); p.setObject(12, t); p.setObject(13, t); p.setString(14, "me");
              p.addBatch();
            }
            p.executeBatch();
          }
          c.commit();
        }
        long t1 = System.nanoTime();
        System.out.printf("%s idx=%d lob=%s args=%s/%d round %d: %.0f jobs/s%n", mode, nidx, lob, argsType, argsLen, round, 20000 / ((t1 - t0) / 1e9));
      }
    }
  }
}
