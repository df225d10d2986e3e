package io.telefetch.examples.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.telefetch.pool.AccountRemoved;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One account as {@code /v1/accounts} and {@code telefetch accounts} show it.
 *
 * @param name the account's name
 * @param state what it is doing: {@code active}, {@code flood_wait} (active, resting on some DC),
 *     {@code removed} (left the pool: see {@code removed}), {@code elsewhere} (another node holds its
 *     lease), {@code standby} (another node's to serve; taken over when that one is gone), {@code
 *     free} (nobody holds it) or {@code unavailable} (it could not be opened: see {@code problem})
 * @param userId the account's user id, masked ({@code 12***89}), or null when unknown
 * @param floodedUntil per DC, until when it is flood-waiting there
 * @param removed why it left the pool, or null
 * @param leaseHolder the node holding its lease (with Redis), or null
 * @param leaseUntil when that lease ends unless renewed, or null
 * @param partsFetched parts it fetched on this node
 * @param inFlight parts in flight on it on this node
 * @param problem why it could not be opened, one line, or null
 */
public record AccountState(String name, String state, @Nullable String userId, Map<Integer, Instant> floodedUntil,
    AccountRemoved.@Nullable Reason removed, @Nullable String leaseHolder, @Nullable Instant leaseUntil,
    long partsFetched, int inFlight, @Nullable String problem) {

  public AccountState {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    floodedUntil = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(floodedUntil));
  }

  /** The one account of a gateway without a pool. */
  static AccountState single(long userId, boolean loggedIn) {
    return new AccountState("default", loggedIn ? "active" : "removed", userId == 0 ? null : maskId(userId), Map.of(),
        loggedIn ? null : AccountRemoved.Reason.LOGGED_OUT, null, null, 0, 0, null);
  }

  /** Adds this account to {@code array} as a JSON object (snake_case, instants in ISO-8601). */
  public void toJson(ArrayNode array) {
    ObjectNode n = array.addObject();
    n.put("name", name);
    n.put("state", state);
    n.put("user_id", userId);
    ArrayNode floods = n.putArray("flood_wait");
    floodedUntil.forEach((dc, until) -> floods.addObject().put("dc", dc).put("until", until.toString()));
    n.put("removed", removed == null ? null : removed.name().toLowerCase(Locale.ROOT));
    n.put("lease_holder", leaseHolder);
    n.put("lease_until", leaseUntil == null ? null : leaseUntil.toString());
    n.put("parts_fetched", partsFetched);
    n.put("in_flight", inFlight);
    n.put("problem", problem);
  }

  /** One line of {@code telefetch accounts}: the state and what explains it. */
  public String describe() {
    StringBuilder b = new StringBuilder(state);
    floodedUntil.forEach((dc, until) -> b.append(" DC").append(dc).append(" until ").append(until));
    Optional.ofNullable(removed).ifPresent(r -> b.append(" (").append(r.name().toLowerCase(Locale.ROOT)).append(')'));
    if (problem != null) {
      b.append(" (").append(problem).append(')');
    }
    return b.toString();
  }

  /** An id with all but its first two and last two digits hidden: {@code 12***89}. */
  public static String maskId(long id) {
    String s = Long.toString(id);
    return s.length() <= 4 ? "***" : s.substring(0, 2) + "***" + s.substring(s.length() - 2);
  }
}
