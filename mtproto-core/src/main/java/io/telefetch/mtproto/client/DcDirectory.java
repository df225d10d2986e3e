package io.telefetch.mtproto.client;

import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.crypto.RsaPublicKey;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.CdnConfig;
import io.telefetch.tl.api.CdnConfigType;
import io.telefetch.tl.api.CdnPublicKey;
import io.telefetch.tl.api.CdnPublicKeyType;
import io.telefetch.tl.api.Config;
import io.telefetch.tl.api.ConfigType;
import io.telefetch.tl.api.help.GetCdnConfig;
import io.telefetch.tl.api.help.GetConfig;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DC addresses the client uses: the bootstrap list, replaced DC by DC by {@code
 * help.getConfig} (fetched once and again whenever its {@code expires} has passed), and the CDN
 * RSA keys of {@code help.getCdnConfig}. Fetches are single-flight.
 */
final class DcDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(DcDirectory.class);
  private static final long RETRY_AFTER_FAILURE_SECONDS = 60;

  private final ClientOptions options;
  private final SessionKeeper session;
  private Function<TlMethod<?>, CompletableFuture<?>> home;

  // guarded by this
  private DcOptions current;
  private long expires;
  private CompletableFuture<DcOptions> refreshing;
  private CompletableFuture<CdnConfig> cdnConfig;
  private boolean fetched;

  DcDirectory(ClientOptions options, SessionKeeper session) {
    this.options = options;
    this.session = session;
    SessionData stored = session.current();
    this.current = stored.dcOptions() == null ? options.dcOptions : options.dcOptions.mergedWith(stored.dcOptions());
    this.expires = stored.dcOptions() == null ? 0 : stored.dcOptionsExpires();
    this.fetched = stored.dcOptions() != null;
  }

  /** Whether a help.getConfig answer was applied (now or in an earlier run), or tried and failed. */
  private synchronized boolean fetched() {
    return fetched;
  }

  /** How calls reach the home DC (set once the client is wired). */
  void homeInvoker(Function<TlMethod<?>, CompletableFuture<?>> home) {
    this.home = home;
  }

  synchronized DcOptions current() {
    return current;
  }

  /**
   * The address for {@code purpose} on DC {@code dc}; when the list does not have it (or, for file
   * transfer, when the config was never fetched, so media-only options are not known yet), the
   * config is fetched first. Starts a background refresh when the config has expired.
   */
  CompletableFuture<DcOption> resolve(int dc, Purpose purpose, boolean cdn) {
    Optional<DcOption> known = lookup(current(), dc, purpose, cdn);
    boolean needConfig = purpose == Purpose.DOWNLOAD && !fetched();
    if (known.isPresent() && !needConfig) {
      maybeRefresh();
      return CompletableFuture.completedFuture(known.get());
    }
    return refresh().thenApply(o -> lookup(o, dc, purpose, cdn).or(() -> known).orElseThrow(() -> new NoSuchElementException(
        "no " + (cdn ? "CDN " : "") + "address for DC " + dc + " in " + o)));
  }

  private Optional<DcOption> lookup(DcOptions o, int dc, Purpose purpose, boolean cdn) {
    boolean obfuscated = options.transport.obfuscated() || options.proxy != null && options.proxy.type() == Proxy.Type.MTPROXY;
    if (cdn) {
      return o.forCdn(dc, options.preferIpv6, obfuscated);
    }
    return purpose == Purpose.DOWNLOAD ? o.forFiles(dc, options.preferIpv6, obfuscated)
        : o.forCalls(dc, options.preferIpv6, obfuscated);
  }

  /** Refreshes in the background when the config has expired (or was never fetched). */
  void maybeRefresh() {
    boolean due;
    synchronized (this) {
      due = refreshing == null && options.clock.millis() / 1000 >= expires && home != null;
    }
    if (due) {
      refresh();
    }
  }

  /** Fetches help.getConfig on the home DC (joining a fetch in flight). */
  CompletableFuture<DcOptions> refresh() {
    CompletableFuture<DcOptions> f;
    synchronized (this) {
      if (refreshing != null) {
        return refreshing;
      }
      f = new CompletableFuture<>();
      refreshing = f;
    }
    @SuppressWarnings("unchecked")
    CompletableFuture<ConfigType> call = (CompletableFuture<ConfigType>) home.apply(new GetConfig());
    call.whenComplete((config, e) -> {
      DcOptions result;
      synchronized (this) {
        refreshing = null;
        fetched = true;
        long now = options.clock.millis() / 1000;
        if (e != null || !(config instanceof Config c)) {
          LOG.debug("help.getConfig failed: {}", e == null ? config : e.toString());
          expires = now + RETRY_AFTER_FAILURE_SECONDS;
          result = current;
        } else {
          DcOptions fresh = DcOptions.fromConfig(c);
          current = current.mergedWith(fresh);
          expires = Math.max(c.expires(), now + RETRY_AFTER_FAILURE_SECONDS);
          result = current;
          DcOptions save = fresh;
          long saveExpires = expires;
          session.update(s -> s.withDcOptions(save, saveExpires));
          LOG.debug("DC options from help.getConfig (this_dc {}): {}", c.thisDc(), fresh);
        }
      }
      f.complete(result);
    });
    return f;
  }

  /** The RSA keys {@code help.getCdnConfig} lists for CDN DC {@code dc} (and only those). */
  CompletableFuture<RsaKeys> cdnKeys(int dc) {
    CompletableFuture<CdnConfig> config;
    synchronized (this) {
      if (cdnConfig == null || cdnConfig.isCompletedExceptionally()) {
        @SuppressWarnings("unchecked")
        CompletableFuture<CdnConfigType> call = (CompletableFuture<CdnConfigType>) home.apply(new GetCdnConfig());
        cdnConfig = call.thenApply(c -> (CdnConfig) c);
      }
      config = cdnConfig;
    }
    return config.thenApply(c -> {
      RsaKeys keys = RsaKeys.empty();
      int n = 0;
      for (CdnPublicKeyType t : c.publicKeys()) {
        if (t instanceof CdnPublicKey k && k.dcId() == dc) {
          keys.add(RsaPublicKey.parsePem(k.publicKey()));
          n++;
        }
      }
      if (n == 0) {
        synchronized (this) {
          cdnConfig = null; // maybe a new CDN DC: ask again next time
        }
        throw new NoSuchElementException("help.getCdnConfig lists no key for CDN DC " + dc);
      }
      return keys;
    });
  }
}
