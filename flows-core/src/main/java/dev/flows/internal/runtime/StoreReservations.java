package dev.flows.internal.runtime;

import dev.flows.spi.Reservation;
import dev.flows.spi.StateStore;
import dev.flows.spi.TableSink;
import java.util.List;

/**
 * The connections a runtime's flows reserve in its state store and table sink: one per flow that
 * uses it ({@link StoreUse}), so a store sizes its pool to the flows or refuses a pool set too
 * small before anything runs. Given back when the runtime closes.
 */
public final class StoreReservations implements AutoCloseable {
  private final Reservation state;
  private final Reservation tables;

  private StoreReservations(Reservation state, Reservation tables) {
    this.state = state;
    this.tables = tables;
  }

  /**
   * Reserves for {@code flows} in {@code store} and {@code sink} (either may be {@code null}).
   *
   * @throws dev.flows.FlowDefinitionException if a store refuses (nothing stays reserved then)
   */
  public static StoreReservations reserve(
      List<RunningFlow> flows, StateStore store, TableSink sink) {
    List<String> stateUsers = users(flows, StoreUse.STATE_STORE);
    List<String> tableUsers = users(flows, StoreUse.TABLE_SINK);
    Reservation state =
        store == null || stateUsers.isEmpty() ? Reservation.NONE : store.reserve(stateUsers);
    try {
      Reservation tables =
          sink == null || tableUsers.isEmpty() ? Reservation.NONE : sink.reserve(tableUsers);
      return new StoreReservations(state, tables);
    } catch (RuntimeException e) {
      state.close();
      throw e;
    }
  }

  private static List<String> users(List<RunningFlow> flows, StoreUse use) {
    return flows.stream().filter(f -> f.storeUse() == use).map(f -> f.flow().name()).toList();
  }

  /** Gives every reserved connection back. */
  @Override
  public void close() {
    state.close();
    tables.close();
  }
}
