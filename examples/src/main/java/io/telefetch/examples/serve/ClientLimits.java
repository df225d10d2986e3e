package io.telefetch.examples.serve;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-client (remote address) limits: a token bucket of requests and a count of open streams.
 * Bounded: at most {@code maxClients} addresses are tracked; idle ones (full bucket, no stream) are
 * dropped when the table is full, and a new client is refused while it stays full.
 */
final class ClientLimits {
  private final Clock clock;
  private final double perNano;
  private final int burst;
  private final int streams;
  private final int maxClients;
  private final Map<String, Client> clients = new ConcurrentHashMap<>();

  private static final class Client {
    double tokens;
    long at;
    int open;

    Client(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  ClientLimits(ServeOptions o) {
    this.clock = o.clock();
    this.perNano = o.requestsPerMinute() / 60e9;
    this.burst = o.burst();
    this.streams = o.streamsPerClient();
    this.maxClients = o.maxClients();
  }

  private long now() {
    return clock.millis() * 1_000_000L;
  }

  /** Takes one request token for {@code client}; empty when allowed, else how long to wait. */
  Duration admit(String client) {
    long now = now();
    Client c = client(client, now);
    if (c == null) {
      return Duration.ofSeconds(1);
    }
    synchronized (c) {
      c.tokens = Math.min(burst, c.tokens + (now - c.at) * perNano);
      c.at = now;
      if (c.tokens >= 1) {
        c.tokens -= 1;
        return Duration.ZERO;
      }
      long nanos = (long) Math.ceil((1 - c.tokens) / perNano);
      return Duration.ofSeconds(Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L));
    }
  }

  /** Opens a stream slot for {@code client}; false when it has too many. */
  boolean openStream(String client) {
    Client c = client(client, now());
    if (c == null) {
      return false;
    }
    synchronized (c) {
      if (c.open >= streams) {
        return false;
      }
      c.open++;
      return true;
    }
  }

  /** Closes a slot {@link #openStream} opened. */
  void closeStream(String client) {
    Client c = clients.get(client);
    if (c != null) {
      synchronized (c) {
        c.open = Math.max(0, c.open - 1);
      }
    }
  }

  private Client client(String key, long now) {
    Client c = clients.get(key);
    if (c != null) {
      return c;
    }
    if (clients.size() >= maxClients) {
      clients.entrySet().removeIf(e -> {
        Client x = e.getValue();
        synchronized (x) {
          return x.open == 0 && x.tokens + (now - x.at) * perNano >= burst;
        }
      });
      if (clients.size() >= maxClients) {
        return null;
      }
    }
    return clients.computeIfAbsent(key, k -> new Client(burst, now));
  }
}
