package io.telefetch.examples.serve;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's settings: where it listens, the bearer token, the channel allow-list and the
 * per-client limits. Immutable; {@link #newBuilder} copies.
 */
public final class ServeOptions {
  private final String bind;
  private final int port;
  private final @Nullable String token;
  private final Set<String> allow;
  private final int requestsPerMinute;
  private final int burst;
  private final int streamsPerClient;
  private final int maxClients;
  private final Duration signedUrlTtl;
  private final Clock clock;
  private final StreamTransform transform;

  private ServeOptions(Builder b) {
    this.bind = b.bind;
    this.port = b.port;
    this.token = b.token;
    this.allow = Set.copyOf(b.allow);
    this.requestsPerMinute = b.requestsPerMinute;
    this.burst = b.burst;
    this.streamsPerClient = b.streamsPerClient;
    this.maxClients = b.maxClients;
    this.signedUrlTtl = b.signedUrlTtl;
    this.clock = b.clock;
    this.transform = b.transform;
  }

  /** Defaults: 127.0.0.1, port 8080, no token, no allow-list, 120 requests a minute (burst 60), 8 streams. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.bind = bind;
    b.port = port;
    b.token = token;
    b.allow = allow;
    b.requestsPerMinute = requestsPerMinute;
    b.burst = burst;
    b.streamsPerClient = streamsPerClient;
    b.maxClients = maxClients;
    b.signedUrlTtl = signedUrlTtl;
    b.clock = clock;
    b.transform = transform;
    return b;
  }

  /** The address to bind. */
  public String bind() {
    return bind;
  }

  /** The port (0: any free one; see {@link Gateway#port}). */
  public int port() {
    return port;
  }

  /** The bearer token, or null when none is required (loopback only). */
  public @Nullable String token() {
    return token;
  }

  /** Channel usernames (lower case) and numeric ids that may be served; empty: any. */
  public Set<String> allow() {
    return allow;
  }

  /** Sustained requests per minute per client address. */
  public int requestsPerMinute() {
    return requestsPerMinute;
  }

  /** Requests a client may make at once before the rate applies. */
  public int burst() {
    return burst;
  }

  /** Concurrent media streams per client address. */
  public int streamsPerClient() {
    return streamsPerClient;
  }

  /** How many client addresses the limiter tracks at most. */
  public int maxClients() {
    return maxClients;
  }

  /** How long a signed media URL (token mode) stays valid. */
  public Duration signedUrlTtl() {
    return signedUrlTtl;
  }

  /** The clock of the rate limiter and the signed URLs. */
  public Clock clock() {
    return clock;
  }

  /** The {@code &remux=} implementation. */
  public StreamTransform transform() {
    return transform;
  }

  /** No token. */
  @Override
  public String toString() {
    return "ServeOptions{" + bind + ":" + port + ", token=" + (token == null ? "none" : "***") + ", allow=" + allow
        + ", " + requestsPerMinute + "/min burst " + burst + ", streams/client=" + streamsPerClient + "}";
  }

  /** Builds {@link ServeOptions}. */
  public static final class Builder {
    private String bind = "127.0.0.1";
    private int port = 8080;
    private @Nullable String token;
    private Set<String> allow = Set.of();
    private int requestsPerMinute = 120;
    private int burst = 60;
    private int streamsPerClient = 8;
    private int maxClients = 10_000;
    private Duration signedUrlTtl = Duration.ofHours(6);
    private Clock clock = Clock.systemUTC();
    private StreamTransform transform = StreamTransform.NONE;

    private Builder() {}

    /** The address to listen on; anything but loopback requires a {@link #token}. */
    public Builder bind(String bind) {
      this.bind = Objects.requireNonNull(bind, "bind");
      return this;
    }

    /** The port, 0 for any free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is not in 0..65535");
      }
      this.port = port;
      return this;
    }

    /** The bearer token clients must send (null: none, loopback only); at least 16 characters. */
    public Builder token(@Nullable String token) {
      if (token != null && token.strip().length() < 16) {
        throw new IllegalArgumentException("the token must have at least 16 characters");
      }
      this.token = token == null ? null : token.strip();
      return this;
    }

    /** Only these channels (usernames, case-insensitive, or numeric ids); empty: any. */
    public Builder allow(Set<String> channels) {
      this.allow = channels.stream().map(c -> c.strip().replaceFirst("^@", "").toLowerCase(Locale.ROOT))
          .filter(c -> !c.isEmpty()).collect(Collectors.toUnmodifiableSet());
      return this;
    }

    /** Sustained requests per minute and burst per client address. */
    public Builder rateLimit(int requestsPerMinute, int burst) {
      if (requestsPerMinute < 1 || burst < 1) {
        throw new IllegalArgumentException("rate and burst must be positive");
      }
      this.requestsPerMinute = requestsPerMinute;
      this.burst = burst;
      return this;
    }

    /** Concurrent media streams per client address. */
    public Builder streamsPerClient(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("streams per client must be positive");
      }
      this.streamsPerClient = n;
      return this;
    }

    /** How many client addresses the limiter tracks at most (beyond: new clients wait, 429). */
    public Builder maxClients(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("max clients must be positive");
      }
      this.maxClients = n;
      return this;
    }

    /** Validity of the signed media URLs handed out in token mode. */
    public Builder signedUrlTtl(Duration ttl) {
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("ttl must be positive");
      }
      this.signedUrlTtl = ttl;
      return this;
    }

    /** The clock (tests inject a fixed one). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The remux implementation ({@link StreamTransform#NONE} by default). */
    public Builder transform(StreamTransform transform) {
      this.transform = Objects.requireNonNull(transform, "transform");
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException when binding a non-loopback address without a token, or the
     *     address does not resolve
     */
    public ServeOptions build() {
      InetAddress address;
      try {
        address = InetAddress.getByName(bind);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("cannot resolve --bind " + bind, e);
      }
      if (!address.isLoopbackAddress() && token == null) {
        throw new IllegalArgumentException("refusing to listen on " + bind + " without --token: "
            + "anyone who reaches it could use your Telegram account; pass --token (16+ characters) "
            + "or keep the default 127.0.0.1");
      }
      return new ServeOptions(this);
    }
  }
}
