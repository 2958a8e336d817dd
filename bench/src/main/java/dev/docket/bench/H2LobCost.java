package dev.docket.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * What a text value's place costs on H2, in the row or in H2's LOB storage: per row an insert, two
 * updates of another column (a claim and an ack) and a read of the value, one statement per
 * commit ({@code WRITE_DELAY=0}), 4 rounds; microseconds per row. Arguments: the column type, the
 * value's length in characters, the rows per round, and optionally the URL's extra settings (e.g.
 * {@code ;MAX_LENGTH_INPLACE_LOB=4096}; H2's default keeps up to 256 bytes in the row).
 * <pre>java -cp "bench/target/docket-bench.jar:bench/target/lib/*" dev.docket.bench.H2LobCost "CHARACTER LARGE OBJECT" 2000 3000 ";MAX_LENGTH_INPLACE_LOB=4096"</pre>
 */
public final class H2LobCost {
  public static void main(String[] a) throws Exception {
    String type = a[0];
    int len = Integer.parseInt(a[1]);
    int n = Integer.parseInt(a[2]);
    String settings = a.length > 3 ? a[3] : "";
    Path dir = Files.createTempDirectory("h2-lob-cost");
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir + "/d;WRITE_DELAY=0" + settings)) {
      c.createStatement().execute("CREATE TABLE j (id BIGINT PRIMARY KEY, st VARCHAR(10), v " + type + " NOT NULL)");
      String value = "x".repeat(len);
      for (int round = 1; round <= 4; round++) {
        c.createStatement().execute("DELETE FROM j");
        long t0 = System.nanoTime();
        PreparedStatement ins = c.prepareStatement("INSERT INTO j VALUES (?, 'Q', ?)");
        for (int i = 0; i < n; i++) {
          ins.setLong(1, i);
          ins.setString(2, value);
          ins.executeUpdate();
        }
        long t1 = System.nanoTime();
        PreparedStatement up = c.prepareStatement("UPDATE j SET st = ? WHERE id = ?");
        for (String st : new String[] {"R", "S"}) {
          for (int i = 0; i < n; i++) {
            up.setString(1, st);
            up.setLong(2, i);
            up.executeUpdate();
          }
        }
        long t2 = System.nanoTime();
        PreparedStatement sel = c.prepareStatement("SELECT v FROM j WHERE id = ?");
        long chars = 0;
        for (int i = 0; i < n; i++) {
          sel.setLong(1, i);
          try (ResultSet rs = sel.executeQuery()) {
            rs.next();
            chars += rs.getString(1).length();
          }
        }
        long t3 = System.nanoTime();
        if (chars != (long) n * len) {
          throw new IllegalStateException("read " + chars + " characters, expected " + (long) n * len);
        }
        System.out.printf(
            "%s len=%d n=%d%s round %d: insert %.1f us, 2 updates %.1f us, read %.1f us per row%n",
            type, len, n, settings, round, (t1 - t0) / 1e3 / n, (t2 - t1) / 1e3 / n, (t3 - t2) / 1e3 / n);
      }
    }
  }
}
