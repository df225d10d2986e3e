package io.telefetch.mtproto.client;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One access point of a data center, as {@code help.getConfig} lists it ({@code dcOption}): the
 * DC id, host and port, and the flags that say what the address is for.
 *
 * <p>Immutable; build with {@link #of(int, String, int)} or {@link #builder(int, String, int)}.
 */
public final class DcOption {
  private final int id;
  private final String host;
  private final int port;
  private final boolean ipv6;
  private final boolean mediaOnly;
  private final boolean tcpoOnly;
  private final boolean cdn;
  private final boolean isStatic;
  private final boolean thisPortOnly;
  private final byte[] secret;

  private DcOption(Builder b) {
    this.id = b.id;
    this.host = b.host;
    this.port = b.port;
    this.ipv6 = b.ipv6;
    this.mediaOnly = b.mediaOnly;
    this.tcpoOnly = b.tcpoOnly;
    this.cdn = b.cdn;
    this.isStatic = b.isStatic;
    this.thisPortOnly = b.thisPortOnly;
    this.secret = b.secret;
  }

  /** A plain option (no flags) for DC {@code id} at {@code host:port}. */
  public static DcOption of(int id, String host, int port) {
    return builder(id, host, port).build();
  }

  /** A builder for an option of DC {@code id} at {@code host:port}. */
  public static Builder builder(int id, String host, int port) {
    return new Builder(id, host, port);
  }

  /** A builder starting from this option. */
  public Builder newBuilder() {
    Builder b = new Builder(id, host, port);
    b.ipv6 = ipv6;
    b.mediaOnly = mediaOnly;
    b.tcpoOnly = tcpoOnly;
    b.cdn = cdn;
    b.isStatic = isStatic;
    b.thisPortOnly = thisPortOnly;
    b.secret = secret;
    return b;
  }

  /** The option as {@code help.getConfig} returns it, flags included. */
  static DcOption fromTl(io.telefetch.tl.api.DcOption o) {
    Builder b = builder(o.id(), o.ipAddress(), o.port())
        .ipv6(o.ipv6()).mediaOnly(o.mediaOnly()).tcpoOnly(o.tcpoOnly()).cdn(o.cdn())
        .isStatic(o.static_()).thisPortOnly(o.thisPortOnly());
    if (o.secret() != null) {
      b.secret(o.secret().toByteArray());
    }
    return b.build();
  }

  public int id() {
    return id;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** An IPv6 address. */
  public boolean ipv6() {
    return ipv6;
  }

  /** Meant for file transfer only: the downloader prefers it. */
  public boolean mediaOnly() {
    return mediaOnly;
  }

  /** Accepts only obfuscated connections. */
  public boolean tcpoOnly() {
    return tcpoOnly;
  }

  /** A CDN DC: only CDN file methods, its own RSA keys, no updates. */
  public boolean cdn() {
    return cdn;
  }

  /** A fallback address that does not come from the config. */
  public boolean isStatic() {
    return isStatic;
  }

  /** Only this port may be used for this IP. */
  public boolean thisPortOnly() {
    return thisPortOnly;
  }

  /** The option's MTProxy-style secret (a copy), or null when it has none. */
  public byte @Nullable [] secret() {
    return secret == null ? null : secret.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DcOption d && d.id == id && d.port == port && d.host.equals(host) && d.ipv6 == ipv6
        && d.mediaOnly == mediaOnly && d.tcpoOnly == tcpoOnly && d.cdn == cdn && d.isStatic == isStatic
        && d.thisPortOnly == thisPortOnly && Arrays.equals(d.secret, secret);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, host, port, ipv6, mediaOnly, tcpoOnly, cdn, isStatic, thisPortOnly);
  }

  @Override
  public String toString() {
    return "DcOption[" + id + " " + (ipv6 ? "[" + host + "]" : host) + ":" + port
        + (mediaOnly ? " media_only" : "") + (cdn ? " cdn" : "") + (tcpoOnly ? " tcpo_only" : "")
        + (isStatic ? " static" : "") + (thisPortOnly ? " this_port_only" : "") + (secret != null ? " secret" : "") + "]";
  }

  /** Builds a {@link DcOption}. */
  public static final class Builder {
    private final int id;
    private final String host;
    private final int port;
    private boolean ipv6;
    private boolean mediaOnly;
    private boolean tcpoOnly;
    private boolean cdn;
    private boolean isStatic;
    private boolean thisPortOnly;
    private byte[] secret;

    private Builder(int id, String host, int port) {
      if (id <= 0) {
        throw new IllegalArgumentException("DC ids are positive: " + id);
      }
      if (port <= 0 || port > 65535) {
        throw new IllegalArgumentException("bad port " + port);
      }
      this.id = id;
      this.host = Objects.requireNonNull(host, "host");
      this.port = port;
    }

    public Builder ipv6(boolean ipv6) {
      this.ipv6 = ipv6;
      return this;
    }

    public Builder mediaOnly(boolean mediaOnly) {
      this.mediaOnly = mediaOnly;
      return this;
    }

    public Builder tcpoOnly(boolean tcpoOnly) {
      this.tcpoOnly = tcpoOnly;
      return this;
    }

    public Builder cdn(boolean cdn) {
      this.cdn = cdn;
      return this;
    }

    public Builder isStatic(boolean isStatic) {
      this.isStatic = isStatic;
      return this;
    }

    public Builder thisPortOnly(boolean thisPortOnly) {
      this.thisPortOnly = thisPortOnly;
      return this;
    }

    /** The option's secret; null for none. */
    public Builder secret(byte @Nullable [] secret) {
      this.secret = secret == null ? null : secret.clone();
      return this;
    }

    public DcOption build() {
      return new DcOption(this);
    }
  }
}
