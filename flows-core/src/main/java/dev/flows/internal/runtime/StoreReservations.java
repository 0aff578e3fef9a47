package dev.flows.internal.runtime;

import dev.flows.spi.Reservation;
import dev.flows.spi.StateStore;
import dev.flows.spi.TableSink;
import java.util.List;
import java.util.function.Predicate;

/**
 * The connections a runtime's flows reserve in its state store and table sink: one per flow that
 * uses it, two for a materialise flow that purges its table's deleted markers, or a stateful flow
 * its expired rows, beside its batches ({@link StoreUse}), so a store sizes its pool to the flows
 * or refuses a pool set too small before anything runs. Given back when the runtime closes.
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
    List<String> stateUsers = holders(flows, StoreUse::stateStore);
    List<String> tableUsers = holders(flows, StoreUse::tableSink);
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

  private static List<String> holders(List<RunningFlow> flows, Predicate<StoreUse> uses) {
    return flows.stream()
        .filter(f -> uses.test(f.storeUse()))
        .flatMap(f -> f.storeUse().holders(f.flow().name()).stream())
        .toList();
  }

  /** Gives every reserved connection back. */
  @Override
  public void close() {
    state.close();
    tables.close();
  }
}
