package dev.docket.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.spi.Store;
import dev.docket.spi.tck.StoreTck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class H2StoreTckTest extends StoreTck {

  @TempDir Path dir;
  private final List<HikariDataSource> pools = new ArrayList<>();

  private Store open() {
    HikariDataSource pool = H2.pool(dir);
    pools.add(pool);
    return JdbcStore.builder(pool).leaseClock(LeaseClock.ENGINE).build();
  }

  @Override
  protected Store createStore() {
    return open();
  }

  @Override
  protected Store peerOf(Store store) {
    return open();
  }

  @AfterEach
  void noLeakedConnections() {
    for (HikariDataSource p : pools) {
      assertThat(p.getHikariPoolMXBean().getActiveConnections()).as("leaked connections").isZero();
      p.close();
    }
  }
}
