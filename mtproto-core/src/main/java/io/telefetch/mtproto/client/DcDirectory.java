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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DC addresses the client uses: the bootstrap list, replaced DC by DC by {@code
 * help.getConfig} (fetched once and again whenever its {@code expires} has passed), and the CDN
 * RSA keys of {@code help.getCdnConfig}. Fetches are single-flight, bounded by {@link
 * ClientOptions#resolveTimeout()}, and always go to a DC whose address is known (the home DC, or
 * failing that the configured one or any listed DC), never to the DC being resolved: a DC missing
 * from the list fails with {@link UnknownDcException} instead of waiting on itself.
 */
final class DcDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(DcDirectory.class);
  private static final long RETRY_AFTER_FAILURE_SECONDS = 60;

  private final ClientOptions options;
  private final SessionKeeper session;
  private IntSupplier homeDc;
  private BiFunction<Integer, TlMethod<?>, CompletableFuture<?>> invoker;

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

  /**
   * How config calls are sent (set once the client is wired): {@code invoker} sends a call that
   * stays on the given DC; {@code homeDc} is the DC preferred for it.
   */
  void invoker(IntSupplier homeDc, BiFunction<Integer, TlMethod<?>, CompletableFuture<?>> invoker) {
    this.homeDc = homeDc;
    this.invoker = invoker;
  }

  /** Whether the list has an address of DC {@code dc} (a CDN DC when {@code cdn}, else an ordinary or media-only one). */
  boolean knows(int dc, boolean cdn) {
    return knows(current(), dc, cdn);
  }

  private boolean knows(DcOptions o, int dc, boolean cdn) {
    if (dc <= 0) {
      return false;
    }
    return cdn ? lookup(o, dc, Purpose.DOWNLOAD, true).isPresent()
        : lookup(o, dc, Purpose.MAIN, false).isPresent() || lookup(o, dc, Purpose.DOWNLOAD, false).isPresent();
  }

  /**
   * A DC with an ordinary address, for config calls and as the fallback home: {@code preferred}
   * when listed, else the configured home DC, else the lowest listed DC; -1 when none is.
   */
  int knownDc(int preferred) {
    DcOptions o = current();
    if (lookup(o, preferred, Purpose.MAIN, false).isPresent()) {
      return preferred;
    }
    if (lookup(o, options.mainDc, Purpose.MAIN, false).isPresent()) {
      return options.mainDc;
    }
    for (int id : o.dcIds()) {
      if (id > 0 && !o.isCdn(id) && lookup(o, id, Purpose.MAIN, false).isPresent()) {
        return id;
      }
    }
    return -1;
  }

  /**
   * Completes when DC {@code dc} is listed, fetching the config (from a known DC) first if it is
   * not; fails with {@link UnknownDcException} when it is still missing.
   *
   * @param why what named the DC, for the error message (e.g. "USER_MIGRATE_9 from DC 1")
   * @param cause the error that named it, or null
   */
  CompletableFuture<Void> ensureKnown(int dc, boolean cdn, String why, Throwable cause) {
    if (knows(dc, cdn)) {
      return CompletableFuture.completedFuture(null);
    }
    if (dc <= 0) {
      return CompletableFuture.failedFuture(new UnknownDcException(dc, "bad DC id " + dc + " (" + why + ")", cause));
    }
    return refresh().thenApply(o -> {
      if (!knows(o, dc, cdn)) {
        throw unknown(dc, cdn, why, cause);
      }
      return null;
    });
  }

  private static UnknownDcException unknown(int dc, boolean cdn, String why, Throwable cause) {
    return new UnknownDcException(dc, (cdn ? "CDN " : "") + "DC " + dc
        + " is not in the DC list, even after asking for the config; refusing " + why, cause);
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
    return refresh().thenApply(o -> lookup(o, dc, purpose, cdn).or(() -> known).orElseThrow(
        () -> unknown(dc, cdn, "to connect to it", null)));
  }

  private Optional<DcOption> lookup(DcOptions o, int dc, Purpose purpose, boolean cdn) {
    boolean obfuscated = options.connection.transport().obfuscated() || options.connection.viaMtProxy();
    if (cdn) {
      return o.forCdn(dc, options.connection.preferIpv6(), obfuscated);
    }
    return purpose == Purpose.DOWNLOAD ? o.forFiles(dc, options.connection.preferIpv6(), obfuscated)
        : o.forCalls(dc, options.connection.preferIpv6(), obfuscated);
  }

  /** Refreshes in the background when the config has expired (or was never fetched). */
  void maybeRefresh() {
    boolean due;
    synchronized (this) {
      due = refreshing == null && options.clock.millis() / 1000 >= expires && invoker != null;
    }
    if (due) {
      refresh();
    }
  }

  /**
   * Fetches help.getConfig from a known DC (joining a fetch in flight). Never fails: after an
   * error, or no answer within {@link ClientOptions#resolveTimeout()}, it completes with the list
   * as it was (and the next background refresh waits a minute).
   */
  CompletableFuture<DcOptions> refresh() {
    CompletableFuture<DcOptions> f;
    synchronized (this) {
      if (refreshing != null) {
        return refreshing;
      }
      f = new CompletableFuture<>();
      refreshing = f;
    }
    int via = knownDc(homeDc == null ? options.mainDc : homeDc.getAsInt());
    CompletableFuture<?> call;
    if (via <= 0 || invoker == null) {
      call = CompletableFuture.failedFuture(new NoSuchElementException("no DC with a known address to ask"));
    } else {
      try {
        call = bounded(invoker.apply(via, new GetConfig()), "help.getConfig");
      } catch (RuntimeException e) {
        call = CompletableFuture.failedFuture(e);
      }
    }
    call.whenComplete((answer, e) -> {
      DcOptions result;
      synchronized (this) {
        refreshing = null;
        fetched = true;
        long now = options.clock.millis() / 1000;
        if (e != null || !(answer instanceof Config c)) {
          LOG.debug("help.getConfig from DC {} failed: {}", via, e == null ? answer : e.toString());
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

  /**
   * {@code call}, failed with a TimeoutException when it has no answer within the resolve timeout;
   * the call is cancelled before the result fails, so whoever sees the failure also sees the
   * dropped call.
   */
  private <T> CompletableFuture<T> bounded(CompletableFuture<T> call, String what) {
    long millis = Math.max(1, options.resolveTimeout.toMillis());
    CompletableFuture<T> result = new CompletableFuture<>();
    AtomicReference<TimeoutException> timedOut = new AtomicReference<>();
    call.whenComplete((v, e) -> {
      TimeoutException t = timedOut.get();
      if (t != null) {
        result.completeExceptionally(t);
      } else if (e != null) {
        result.completeExceptionally(e);
      } else {
        result.complete(v);
      }
    });
    CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS).execute(() -> {
      if (!call.isDone()) {
        TimeoutException t = new TimeoutException(what + ": no answer within " + millis + " ms");
        timedOut.set(t);
        call.cancel(false);
        result.completeExceptionally(t);
      }
    });
    return result;
  }

  /** The RSA keys {@code help.getCdnConfig} lists for CDN DC {@code dc} (and only those). */
  CompletableFuture<RsaKeys> cdnKeys(int dc) {
    CompletableFuture<CdnConfig> config;
    synchronized (this) {
      if (cdnConfig == null || cdnConfig.isCompletedExceptionally()) {
        int via = knownDc(homeDc == null ? options.mainDc : homeDc.getAsInt());
        CompletableFuture<?> call;
        if (via <= 0 || invoker == null) {
          call = CompletableFuture.failedFuture(new NoSuchElementException("no DC with a known address to ask"));
        } else {
          call = bounded(invoker.apply(via, new GetCdnConfig()), "help.getCdnConfig");
        }
        cdnConfig = call.thenApply(c -> (CdnConfig) (CdnConfigType) c);
      }
      config = cdnConfig;
    }
    return config.thenApply(c -> {
      RsaKeys keys = RsaKeys.empty();
      int n = 0;
      for (CdnPublicKeyType t : c.publicKeys()) {
        if (t instanceof CdnPublicKey k && k.dcId() == dc) {
          keys = keys.with(RsaPublicKey.parsePem(k.publicKey()));
          n++;
        }
      }
      if (n == 0) {
        synchronized (this) {
          cdnConfig = null; // maybe a new CDN DC: ask again next time
        }
        throw new UnknownDcException(dc, "help.getCdnConfig lists no key for CDN DC " + dc, null);
      }
      return keys;
    });
  }
}
