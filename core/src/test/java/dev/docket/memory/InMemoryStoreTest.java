package dev.docket.memory;

import dev.docket.spi.Store;
import dev.docket.spi.tck.StoreTck;

class InMemoryStoreTest extends StoreTck {

  @Override
  protected Store createStore() {
    return new InMemoryStore();
  }

  @Override
  protected Store peerOf(Store store) {
    return ((InMemoryStore) store).peer();
  }
}
