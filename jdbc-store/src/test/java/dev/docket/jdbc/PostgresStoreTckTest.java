package dev.docket.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.spi.Store;
import dev.docket.spi.tck.StoreTck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

@RequiresPostgres
class PostgresStoreTckTest extends StoreTck {

  private final String prefix = PostgresDatabase.newPrefix();
  private final List<HikariDataSource> pools = new ArrayList<>();

  private Store open() {
    HikariDataSource pool = PostgresDatabase.pool(6);
    pools.add(pool);
    return JdbcStore.builder(pool).tablePrefix(prefix).leaseClock(LeaseClock.ENGINE).build();
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
  void noLeakedConnectionsAndDropTables() {
    for (HikariDataSource p : pools) {
      assertThat(p.getHikariPoolMXBean().getActiveConnections()).as("leaked connections").isZero();
      p.close();
    }
    PostgresDatabase.dropTables(prefix);
  }
}
