package dev.flows.state;

import dev.flows.spi.StateStore;
import dev.flows.spi.StateStoreContract;

class InMemoryStateStoreTest extends StateStoreContract {
  @Override
  protected StateStore newStore() {
    return InMemoryStateStore.create();
  }
}
