package io.telefetch.pool;

import io.telefetch.media.MediaFile;
import io.telefetch.mtproto.client.DcClient;
import io.telefetch.mtproto.rpc.CallOptions;
import io.telefetch.mtproto.rpc.EventListener;
import io.telefetch.mtproto.rpc.FloodWaitException;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlObjects;
import io.telefetch.tl.api.InputFileLocationType;
import io.telefetch.tl.api.upload.GetFile;
import io.telefetch.tl.api.upload.GetFileHashes;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * One download through an {@link AccountPool}: a {@link DcClient} whose file requests
 * (upload.getFile, upload.getFileHashes) are each sent by one account of the pool with that
 * account's own location of the file; every other call goes to the primary account (the first
 * active one that located the file).
 */
final class PooledDownload {
  /** File-reference refreshes of one account for one part before the part fails. */
  static final int MAX_REFRESHES = 2;

  private final AccountPool pool;
  private final FileLocator locator;
  /** Each account's own view of the file, located on first use. */
  private final Map<PoolAccount, CompletableFuture<MediaFile>> located = new ConcurrentHashMap<>();
  private final AtomicReference<@Nullable PoolAccount> primary = new AtomicReference<>();

  PooledDownload(AccountPool pool, FileLocator locator) {
    this.pool = pool;
    this.locator = locator;
  }

  /** Locates the file through the first active account that can see it. */
  CompletableFuture<MediaFile> primaryFile() {
    return primaryFrom(pool.activeAccounts(), 0, null);
  }

  private CompletableFuture<MediaFile> primaryFrom(java.util.List<PoolAccount> candidates, int i,
      @Nullable Throwable last) {
    if (i >= candidates.size()) {
      return CompletableFuture.failedFuture(last != null ? AccountPool.unwrap(last)
          : new NoAccountLeftException("no account in the pool", new IllegalStateException("empty pool")));
    }
    PoolAccount a = candidates.get(i);
    return locate(a).handle((file, e) -> {
      if (e == null) {
        primary.compareAndSet(null, a);
        return CompletableFuture.completedFuture(file);
      }
      noteRemoval(a, e);
      return primaryFrom(candidates, i + 1, e);
    }).thenCompose(f -> f);
  }

  private CompletableFuture<MediaFile> locate(PoolAccount account) {
    return located.computeIfAbsent(account, k -> {
      try {
        return locator.locate(account);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    });
  }

  private PoolAccount primaryAccount() {
    PoolAccount p = primary.get();
    if (p != null && pool.isActive(p)) {
      return p;
    }
    for (PoolAccount a : pool.activeAccounts()) {
      CompletableFuture<MediaFile> f = located.get(a);
      if (f != null && f.isDone() && !f.isCompletedExceptionally()) {
        primary.set(a);
        return a;
      }
    }
    return p != null ? p : pool.accounts().get(0);
  }

  private void noteRemoval(PoolAccount a, Throwable e) {
    AccountRemoved.Reason reason = AccountPool.removalReason(e);
    if (reason != null) {
      pool.removeAccount(a.name(), reason, AccountPool.unwrap(e));
    }
  }

  DcClient client(int dcId) {
    return new Handle(dcId);
  }

  /** The pooled handle on one DC. */
  private final class Handle implements DcClient {
    private final int dcId;

    Handle(int dcId) {
      this.dcId = dcId;
    }

    @Override
    public int dcId() {
      return dcId;
    }

    @Override
    public <R> CompletableFuture<R> invoke(TlMethod<R> method) {
      return invoke(method, null);
    }

    @Override
    public <R> CompletableFuture<R> invoke(TlMethod<R> method, @Nullable CallOptions options) {
      if (method instanceof GetFile || method instanceof GetFileHashes) {
        Part<R> part = new Part<>(dcId, method, options);
        part.start();
        return part.result;
      }
      DcClient target = primaryAccount().dc(dcId);
      return options == null ? target.invoke(method) : target.invoke(method, options);
    }

    @Override
    public EventListener eventListener() {
      return primaryAccount().home().eventListener();
    }

    @Override
    public <R> CompletableFuture<R> invokeMain(TlMethod<R> method) {
      return primaryAccount().home().invokeMain(method);
    }

    @Override
    public DcClient dc(int id) {
      return new Handle(id);
    }

    @Override
    public DcClient cdn(int id) {
      return primaryAccount().home().cdn(id);
    }

    @Override
    public CompletableFuture<Void> reconnect() {
      java.util.List<CompletableFuture<Void>> all = new java.util.ArrayList<>();
      for (PoolAccount a : pool.activeAccounts()) {
        all.add(a.dc(dcId).reconnect());
      }
      return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    @Override
    public String toString() {
      return "PooledDc[" + dcId + ", " + pool + "]";
    }
  }

  /**
   * One file request on its way through the pool: tries accounts until one answers, or the error
   * is not the account's (then the downloader's retry policy sees it). Bounded: each account is
   * tried at most once per flood or removal, plus {@link #MAX_REFRESHES} file-reference refreshes.
   */
  private final class Part<R> {
    final int dcId;
    final TlMethod<R> method;
    final @Nullable CallOptions options;
    final CompletableFuture<R> result = new CompletableFuture<>();
    /** Accounts that cannot take this part (cannot see the file, or already failed it). */
    final Set<String> exclude = ConcurrentHashMap.newKeySet();
    final Map<String, Integer> refreshes = new ConcurrentHashMap<>();
    final AtomicReference<@Nullable CompletableFuture<?>> current = new AtomicReference<>();
    int attempts;

    Part(int dcId, TlMethod<R> method, @Nullable CallOptions options) {
      this.dcId = dcId;
      this.method = method;
      this.options = options;
      result.whenComplete((r, e) -> {
        if (result.isCancelled()) {
          CompletableFuture<?> c = current.get();
          if (c != null) {
            c.cancel(false);
          }
        }
      });
    }

    /** Tries again after an account failed the part (bounded); waiting for a free slot is not a retry. */
    void retry(Throwable cause) {
      synchronized (this) {
        if (++attempts > 4 * pool.accounts().size() + 2 * MAX_REFRESHES + 4) {
          result.completeExceptionally(new NoAccountLeftException("no account could fetch the part", cause));
          return;
        }
      }
      start();
    }

    void start() {
      if (result.isDone()) {
        return;
      }
      AccountPool.Pick pick = pool.pick(dcId, exclude);
      PoolAccount account = pick.account();
      if (account == null) {
        switch (pick.kind()) {
          case NONE_LEFT -> result.completeExceptionally(new NoAccountLeftException(
              "no account of the pool can fetch the file", new IllegalStateException(pool.status().toString())));
          case ALL_FLOODED -> result.completeExceptionally(
              RpcException.of(420, "FLOOD_WAIT_" + pick.floodSeconds()));
          default -> {
            pool.await(this::start);
            // a slot may have freed between pick and await: try once more (a second wake is harmless)
            AccountPool.Pick again = pool.pick(dcId, exclude);
            if (again.account() != null) {
              pool.release(again.account(), dcId, false);
            }
          }
        }
        return;
      }
      CompletableFuture<MediaFile> where = locate(account);
      CompletableFuture<R> call = where.thenCompose(file -> send(account, file.location()));
      current.set(call);
      call.whenComplete((r, e) -> finished(account, r, e));
    }

    @SuppressWarnings("unchecked")
    private CompletableFuture<R> send(PoolAccount account, InputFileLocationType location) {
      TlMethod<R> m;
      if (method instanceof GetFile g) {
        m = (TlMethod<R>) new GetFile(g.precise(), g.cdnSupported(), location, g.offset(), g.limit());
      } else {
        GetFileHashes h = (GetFileHashes) method;
        m = (TlMethod<R>) new GetFileHashes(location, h.offset());
      }
      DcClient dc = account.dc(dcId);
      return options == null ? dc.invoke(m) : dc.invoke(m, options);
    }

    private void finished(PoolAccount account, @Nullable R value, @Nullable Throwable error) {
      pool.release(account, dcId, error == null && method instanceof GetFile);
      if (error == null) {
        if (method instanceof GetFile && value instanceof io.telefetch.tl.api.upload.File f) {
          pool.partFetched(account, dcId, f.bytes().length());
        }
        if (!result.complete(value) && value instanceof TlObject o) {
          TlObjects.releaseSlices(o); // the caller cancelled: nobody else will release the part
        }
        return;
      }
      Throwable e = AccountPool.unwrap(error);
      if (result.isDone() || e instanceof CancellationException) {
        result.completeExceptionally(e);
        return;
      }
      if (e instanceof FloodWaitException flood) {
        pool.flooded(account, dcId, flood.waitTime(), flood.premium());
        retry(e);
        return;
      }
      AccountRemoved.Reason reason = AccountPool.removalReason(e);
      if (reason != null) {
        pool.removeAccount(account.name(), reason, e);
        retry(e);
        return;
      }
      if (e instanceof RpcException rpc && rpc.errorMessage().startsWith("FILE_REFERENCE_")) {
        int n = refreshes.merge(account.name(), 1, Integer::sum);
        if (n <= MAX_REFRESHES) {
          located.remove(account); // the account re-fetches the message for a fresh reference
          retry(e);
          return;
        }
        exclude.add(account.name());
        retry(e);
        return;
      }
      CompletableFuture<MediaFile> where = located.get(account);
      if (where != null && where.isCompletedExceptionally()) {
        exclude.add(account.name()); // this account cannot see the file: another one takes the part
        retry(e);
        return;
      }
      result.completeExceptionally(e);
    }
  }
}
