package io.telefetch.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.telefetch.examples.serve.AccountState;
import io.telefetch.mtproto.client.SessionData;
import io.telefetch.mtproto.client.SessionStore;
import io.telefetch.mtproto.client.SessionStoreException;
import io.telefetch.pool.AccountRemoved;
import io.telefetch.redis.RedisFloodRegistry;
import io.telefetch.redis.RedisLeases;
import io.telefetch.redis.RedisPoolEvents;
import io.telefetch.redis.RedisSessionStore;
import io.telefetch.redis.RedisShared;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code telefetch accounts}: one line per account of the config directory: name, kind (user,
 * bot, logged out, or why the session file is unusable), the user id masked, the home DC, its state
 * in the pool and the session file. Reads the session files only; no network, unless asked:
 *
 * <ul>
 *   <li>{@code --redis URI}: the group's state on Redis, for these accounts and those with a
 *       session or a lease there: the lease holder (STATE {@code held}, HOLDER the node), flood
 *       waits per DC ({@code flood_wait}), and why an account left the pool ({@code removed});
 *   <li>{@code --serve URL}: a running {@code telefetch serve}'s {@code /v1/accounts} (with {@code
 *       --token} or {@code $TELEFETCH_SERVE_TOKEN}): what that node's pool sees.
 * </ul>
 *
 * Details (flood waits until when, why removed) follow the table, one line each.
 */
@Command(name = "accounts", mixinStandardHelpOptions = true,
    description = {"List the accounts: name, kind, user id (masked), home DC, state in the pool, session file.",
        "With --redis: the group's leases, flood waits and departures; with --serve: a running gateway's pool."})
public final class AccountsCommand extends CliCommand {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FORMAT = "%-16s %-10s %-12s %-4s %-11s %-16s %s%n";

  @Option(names = "--redis", paramLabel = "URI", description = "read the group's state from this Redis "
      + "(default: $TELEFETCH_REDIS when set)")
  @Nullable String redis;

  @Option(names = "--redis-prefix", paramLabel = "PREFIX", defaultValue = "telefetch:",
      description = "the group's key prefix (default ${DEFAULT-VALUE})")
  String prefix = "telefetch:";

  @Option(names = "--serve", paramLabel = "URL", description = "ask a running `telefetch serve` at URL for its "
      + "pool's state (e.g. http://127.0.0.1:8080)")
  @Nullable String serve;

  @Option(names = "--token", paramLabel = "TOKEN", description = "the bearer token of --serve (default: "
      + "$TELEFETCH_SERVE_TOKEN)")
  @Nullable String token;

  /** One row of the table. */
  private static final class Row {
    String kind = "-";
    String id = "-";
    String dc = "-";
    String state = "-";
    String holder = "-";
    String session = "-";
    final List<String> details = new ArrayList<>();
  }

  @Override
  protected int execute() throws Exception {
    TelefetchHome home = TelefetchHome.of(io.env());
    Map<String, Row> rows = new LinkedHashMap<>();
    for (String name : home.accounts()) {
      rows.put(name, local(home, name));
    }
    String redisUri = redis != null ? redis : io.env("TELEFETCH_REDIS");
    if (redisUri != null) {
      fromRedis(redisUri, rows);
    }
    if (serve != null) {
      fromServe(serve, rows);
    }
    if (rows.isEmpty()) {
      io.err().println("telefetch accounts: no account in " + home.dir());
      io.err().println("  hint: log one in: telefetch login --phone +44... (or --bot-token, --qr)");
      return 0;
    }
    io.out().printf(FORMAT, "ACCOUNT", "KIND", "ID", "DC", "STATE", "HOLDER", "SESSION");
    List<String> details = new ArrayList<>();
    rows.forEach((name, r) -> {
      io.out().printf(FORMAT, name, r.kind, r.id, r.dc, r.state, r.holder, r.session);
      r.details.forEach(d -> details.add("  " + name + ": " + d));
    });
    details.forEach(io.out()::println);
    return 0;
  }

  /** What the session file says. */
  private static Row local(TelefetchHome home, String name) {
    Row r = new Row();
    Path file = home.sessionFile(name);
    r.session = file.toString();
    try {
      Optional<SessionData> data = SessionStore.file(file).load();
      if (data.isEmpty() || data.get().userId() == 0) {
        r.kind = "logged-out";
        r.state = "removed";
        r.details.add("left: logged out (log in again: telefetch login --account " + name + ")");
      } else {
        r.kind = data.get().bot() ? "bot" : "user";
        r.id = maskId(data.get().userId());
        r.state = "ready";
      }
      if (data.isPresent()) {
        r.dc = Integer.toString(data.get().mainDc());
      }
    } catch (SessionStoreException e) {
      r.kind = e.kind().name().toLowerCase(Locale.ROOT);
      r.state = "unusable";
    }
    return r;
  }

  /** The group's state on Redis: every account with a session, a lease or a row already. */
  private void fromRedis(String uri, Map<String, Row> rows) {
    Clock clock = Clock.systemUTC();
    try (RedisShared shared = RedisShared.connect(uri, Duration.ofSeconds(3))) {
      RedisLeases leases = new RedisLeases(shared, prefix, "telefetch-accounts", Duration.ofSeconds(30), clock);
      RedisFloodRegistry floods = new RedisFloodRegistry(shared, prefix, clock, Duration.ZERO);
      RedisPoolEvents events = new RedisPoolEvents(shared, prefix, "telefetch-accounts", clock);
      TreeSet<String> stored = new TreeSet<>(RedisSessionStore.stored(shared, prefix));
      TreeSet<String> names = new TreeSet<>(stored);
      names.addAll(leases.leased());
      if (!shared.available()) {
        throw new CliException("cannot reach Redis at " + masked(uri), "check --redis (redis://host:port)",
            CliException.FAILED, null);
      }
      for (String n : names) {
        rows.computeIfAbsent(n, k -> new Row());
      }
      Instant now = clock.instant();
      for (Map.Entry<String, Row> e : rows.entrySet()) {
        String name = e.getKey();
        Row r = e.getValue();
        if (stored.contains(name)) {
          r.session = r.session.equals("-") ? "redis" : r.session + " (+redis)";
        }
        Optional<RedisLeases.Holding> held = leases.holding(name);
        Map<Integer, Instant> flooded = floods.floods(name, now);
        Optional<RedisPoolEvents.Left> left = events.left(name);
        held.ifPresent(h -> r.holder = h.node());
        if (left.isPresent()) {
          r.state = "removed";
          r.details.add("left the pool: " + left.get().reason().name().toLowerCase(Locale.ROOT) + " (seen by node "
              + left.get().node() + " at " + left.get().at() + ")");
        } else if (!flooded.isEmpty()) {
          r.state = "flood_wait";
        } else if (held.isPresent()) {
          r.state = "held";
        } else if (!r.state.equals("removed") && !r.state.equals("unusable")) {
          r.state = "free";
        }
        flooded.forEach((dc, until) -> r.details.add("flood-waiting on DC " + dc + " until " + until));
        held.ifPresent(h -> r.details.add("lease held by node " + h.node() + " until " + h.end()));
      }
    }
  }

  /** A running gateway's pool, from its {@code /v1/accounts}. */
  private void fromServe(String url, Map<String, Row> rows) throws Exception {
    HttpUrl base = HttpUrl.parse(url);
    if (base == null) {
      throw new CliException("--serve " + url + " is not a URL", "e.g. --serve http://127.0.0.1:8080",
          CliException.USAGE, null);
    }
    String bearer = token != null ? token : io.env("TELEFETCH_SERVE_TOKEN");
    Request.Builder req = new Request.Builder().url(base.newBuilder().encodedPath("/v1/accounts").build());
    if (bearer != null) {
      req.header("Authorization", "Bearer " + bearer);
    }
    OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(15)).build();
    JsonNode root;
    try (Response resp = http.newCall(req.build()).execute()) {
      if (resp.code() == 401) {
        throw new CliException("the gateway at " + base + " wants its token", "pass --token or set "
            + "TELEFETCH_SERVE_TOKEN", CliException.USAGE, null);
      }
      if (!resp.isSuccessful()) {
        throw new CliException("the gateway at " + base + " answered " + resp.code(), "is it telefetch serve?",
            CliException.FAILED, null);
      }
      root = JSON.readTree(resp.body().byteStream());
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
    for (JsonNode a : root.path("accounts")) {
      String name = a.path("name").asText();
      Row r = rows.computeIfAbsent(name, k -> new Row());
      r.state = a.path("state").asText("-");
      if (a.hasNonNull("user_id") && r.id.equals("-")) {
        r.id = a.get("user_id").asText();
      }
      if (a.hasNonNull("lease_holder")) {
        r.holder = a.get("lease_holder").asText();
      }
      Map<Integer, Instant> floods = new TreeMap<>();
      for (JsonNode f : a.path("flood_wait")) {
        floods.put(f.path("dc").asInt(), Instant.parse(f.path("until").asText()));
      }
      AccountRemoved.Reason removed = a.hasNonNull("removed") ? reason(a.get("removed").asText()) : null;
      AccountState s = new AccountState(name, r.state, null, floods, removed, null, null,
          a.path("parts_fetched").asLong(), a.path("in_flight").asInt(), a.hasNonNull("problem")
              ? a.get("problem").asText() : null);
      if (!floods.isEmpty() || removed != null || s.problem() != null) {
        r.details.add("on " + root.path("node").asText("the gateway") + ": " + s.describe());
      }
      r.details.add("parts fetched " + s.partsFetched() + ", in flight " + s.inFlight());
    }
  }

  private static AccountRemoved.@Nullable Reason reason(String text) {
    try {
      return AccountRemoved.Reason.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null; // a reason this version does not know
    }
  }

  private static String masked(String uri) {
    return uri.replaceAll("//[^@/]*@", "//***@");
  }

  /** An id with all but its first two and last two digits hidden: {@code 12***89}. */
  static String maskId(long id) {
    return AccountState.maskId(id);
  }
}
