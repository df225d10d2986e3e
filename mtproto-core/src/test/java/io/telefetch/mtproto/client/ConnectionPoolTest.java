package io.telefetch.mtproto.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How {@link ConnectionPool} chooses the connection of each call. */
class ConnectionPoolTest {

  /**
   * A download through four connections with a window that is not a multiple of four: answers
   * come back in a scrambled (seeded) order and each frees its slot for the next part. Ties of
   * calls in flight go to the connection that was given the fewest calls, so the parts spread
   * evenly; the first connection used to win every tie (about twice the parts of the last).
   */
  @ParameterizedTest(name = "window {0}")
  @ValueSource(ints = {5, 6, 7, 10})
  void partsSpreadEvenlyOverTheConnections(int window) {
    List<ConnectionPool.Slot> slots = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      slots.add(new ConnectionPool.Slot(new CompletableFuture<>()));
    }
    List<ConnectionPool.Slot> inFlight = new ArrayList<>();
    Random random = new Random(window);
    for (int part = 0; part < 1000; part++) {
      if (inFlight.size() == window) {
        inFlight.remove(random.nextInt(inFlight.size())).inFlight--; // an answer arrived
      }
      ConnectionPool.Slot slot = ConnectionPool.leastBusy(slots, s -> true);
      slot.inFlight++;
      slot.given++;
      inFlight.add(slot);
    }
    long most = slots.stream().mapToLong(s -> s.given).max().orElseThrow();
    long least = slots.stream().mapToLong(s -> s.given).min().orElseThrow();
    assertThat(most - least).as("parts per connection: %s", slots.stream().map(s -> s.given).toList())
        .isLessThanOrEqualTo(20); // 2 % of the parts (the scrambled order alone accounts for a few)
  }

  @ParameterizedTest(name = "{0} eligible")
  @ValueSource(ints = {0, 1, 2})
  void onlyEligibleSlotsAreChosenAndNoneMeansNull(int eligible) {
    List<ConnectionPool.Slot> slots = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ConnectionPool.Slot s = new ConnectionPool.Slot(new CompletableFuture<>());
      s.inFlight = 3 - i; // the last is the least busy
      slots.add(s);
    }
    List<ConnectionPool.Slot> allowed = slots.subList(0, eligible);
    ConnectionPool.Slot chosen = ConnectionPool.leastBusy(slots, allowed::contains);
    if (eligible == 0) {
      assertThat(chosen).isNull();
    } else {
      assertThat(chosen).isSameAs(slots.get(eligible - 1));
    }
  }
}
