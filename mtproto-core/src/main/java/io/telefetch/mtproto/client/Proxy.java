package io.telefetch.mtproto.client;

import io.telefetch.mtproto.transport.MtProxySecret;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How the client reaches Telegram: through a SOCKS5 proxy (optionally with a username and
 * password) or an MTProxy (every DC through one address, obfuscated with the proxy's secret).
 */
public final class Proxy {
  /** The kind of proxy. */
  public enum Type { SOCKS5, MTPROXY }

  private final Type type;
  private final String host;
  private final int port;
  private final String username;
  private final String password;
  private final MtProxySecret secret;

  private Proxy(Type type, String host, int port, String username, String password, MtProxySecret secret) {
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("bad port " + port);
    }
    this.type = type;
    this.host = Objects.requireNonNull(host, "host");
    this.port = port;
    this.username = username;
    this.password = password;
    this.secret = secret;
  }

  /** A SOCKS5 proxy without authentication. */
  public static Proxy socks5(String host, int port) {
    return new Proxy(Type.SOCKS5, host, port, null, null, null);
  }

  /** A SOCKS5 proxy with username/password authentication (RFC 1929). */
  public static Proxy socks5(String host, int port, String username, String password) {
    return new Proxy(Type.SOCKS5, host, port, Objects.requireNonNull(username, "username"),
        Objects.requireNonNull(password, "password"), null);
  }

  /**
   * An MTProxy: every connection goes to {@code host:port} with an obfuscated2 header carrying the
   * target DC, keyed with {@code secret} as written in proxy links: hex ({@code dd} secrets imply
   * the padded intermediate transport, {@code ee} ones a fake-TLS handshake) or base64.
   *
   * @throws IllegalArgumentException naming the secret when the text is not an MTProxy secret
   */
  public static Proxy mtProxy(String host, int port, String secret) {
    Objects.requireNonNull(secret, "secret");
    MtProxySecret parsed;
    try {
      parsed = MtProxySecret.parse(secret);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("secret: " + e.getMessage(), e);
    }
    return new Proxy(Type.MTPROXY, host, port, null, null, parsed);
  }

  public Type type() {
    return type;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** The SOCKS5 username, or null. */
  public @Nullable String username() {
    return username;
  }

  /** The SOCKS5 password, or null. */
  public @Nullable String password() {
    return password;
  }

  /** The MTProxy secret, or null for SOCKS5. */
  @Nullable MtProxySecret secret() {
    return secret;
  }

  /** Never shows the password or secret. */
  @Override
  public String toString() {
    return "Proxy[" + type + " " + host + ":" + port + (username != null ? " user " + username : "") + "]";
  }
}
