package io.telefetch.media;

import io.telefetch.media.FileSource.Bytes;
import io.telefetch.media.FileSource.Migrated;
import io.telefetch.media.FileSource.Outcome;
import io.telefetch.media.FileSource.Redirected;
import io.telefetch.media.SourceState.Cdn;
import io.telefetch.media.engine.PartSource;
import io.telefetch.media.engine.SerialExecutor;
import io.telefetch.mtproto.client.DcClient;
import io.telefetch.mtproto.rpc.EventListener;
import io.telefetch.mtproto.rpc.ProtocolViolationException;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.upload.GetCdnFileHashes;
import io.telefetch.tl.api.upload.GetFileHashes;
import java.util.concurrent.CompletableFuture;

/**
 * The part source of one download: a router that sends each part to the source its current {@link
 * SourceState} names and moves the file when a source says so. Master and fallen-back states fetch
 * with a {@link MasterSource} on the master DC, a CDN state with a {@link CdnSource}; a {@link
 * VerifyingSource} checks every CDN part, and every DC part when {@code verify} is on. Fetched
 * parts, hash mismatches and FILE_MIGRATE moves go to the client's {@link EventListener}.
 *
 * <p>Transitions (FILE_MIGRATE_X, a CDN redirect, the CDN failing) run as tasks on the download's
 * owner, the {@link SerialExecutor} that also runs its {@link io.telefetch.media.engine.DownloadEngine}:
 * the new state, its source, the hash reset and the events are ordered with the engine's own
 * state, and no lock is held around them. A transition applies only if the part that asked for it
 * was sent on the current route; a part sent on an older one is just sent again on the current
 * one (so many parts redirected at once make one CDN state, not one each). A part moves at most
 * {@value #MAX_MOVES} times and follows at most {@value #MAX_MIGRATIONS} FILE_MIGRATEs, so a
 * server sending it back and forth fails it. The hot path only reads the current route through a
 * volatile field.
 *
 * <p>Ownership: every {@link TlBytes} it completes with belongs to the caller; answers that arrive
 * after the caller cancelled are released here.
 */
final class SourceRouter implements PartSource {
  /** FILE_MIGRATEs one part follows before its error goes to the retry policy. */
  static final int MAX_MIGRATIONS = 3;
  /** Moves of one part (transitions and resends after another part's transition) before it fails. */
  static final int MAX_MOVES = 8;

  /** A state and the source serving it. */
  private record Route(SourceState state, FileSource source) {
    /** The DC the bytes come from (the CDN's, in a CDN state). */
    int servingDc() {
      return state instanceof Cdn c ? c.cdnDc() : state.masterDc();
    }
  }

  private final DcClient client;
  private final EventListener events;
  private final boolean verify;
  private final boolean cdnAllowed;
  private final SerialExecutor owner;
  /** Hash windows of the file (DC or CDN) around the parts in flight, and requests for them. */
  private final FileHashes hashes = new FileHashes();
  private volatile MediaFile file;
  /** Where parts go now: replaced only by tasks on {@link #owner}, read anywhere. */
  private volatile Route route;

  /**
   * @param client the handles parts, hashes and reuploads go through
   * @param verify whether DC parts are checked against upload.getFileHashes (CDN parts always are)
   * @param cdnAllowed whether getFile says {@code cdn_supported}
   * @param owner the download's serial executor (the engine's), where transitions run
   */
  SourceRouter(DcClient client, MediaFile file, boolean verify, boolean cdnAllowed, SerialExecutor owner) {
    this.client = client;
    this.events = EventListener.guarded(client.eventListener());
    this.file = file;
    this.verify = verify;
    this.cdnAllowed = cdnAllowed;
    this.owner = owner;
    this.route = routeFor(SourceState.initial(file.dcId()));
  }

  /** The file as last refreshed. */
  MediaFile file() {
    return file;
  }

  /** Replaces the file (after a file_reference refresh). */
  void refreshed(MediaFile fresh) {
    this.file = fresh;
  }

  /** The router's current state. */
  SourceState state() {
    return route.state();
  }

  /** The current state's source (for tests). */
  FileSource source() {
    return route.source();
  }

  boolean usingCdn() {
    return route.state() instanceof Cdn;
  }

  /** Closes the file-transfer connections parts currently go to (the stall watchdog's remedy). */
  CompletableFuture<Void> reconnect() {
    SourceState s = route.state();
    return s instanceof Cdn c ? client.cdn(c.cdnDc()).reconnect() : client.dc(s.masterDc()).reconnect();
  }

  /** Fetches the part from the current route, following the moves its sources ask for. */
  @Override
  public CompletableFuture<TlBytes> fetch(long offset, int limit) {
    return bridge(dispatch(offset, limit, 0, 0));
  }

  private CompletableFuture<TlBytes> dispatch(long offset, int limit, int migrations, int moves) {
    Route sent = route;
    CompletableFuture<Outcome> outcome;
    try {
      outcome = sent.source().fetch(offset, limit);
    } catch (RuntimeException e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    return outcome.thenCompose(o -> {
      if (o instanceof Bytes b) {
        events.partFetched(sent.servingDc(), offset, b.data().length()); // guarded: never throws
        return CompletableFuture.completedFuture(b.data());
      }
      if (o instanceof Migrated m && migrations >= MAX_MIGRATIONS) {
        return CompletableFuture.failedFuture(m.error());
      }
      if (moves >= MAX_MOVES) {
        return CompletableFuture.failedFuture(new ProtocolViolationException("the part at offset " + offset
            + " moved between sources " + moves + " times (last: " + o + ")"));
      }
      int followed = o instanceof Migrated ? migrations + 1 : migrations;
      return move(sent, o).thenCompose(v -> dispatch(offset, limit, followed, moves + 1));
    });
  }

  /**
   * Applies the transition {@code outcome} asks for as a task on the owner, if {@code sent} is
   * still the current route; completes when done (on the owner).
   */
  private CompletableFuture<Void> move(Route sent, Outcome outcome) {
    CompletableFuture<Void> moved = new CompletableFuture<>();
    owner.execute(() -> {
      try {
        if (route == sent) {
          apply(sent.state(), outcome);
        }
        moved.complete(null);
      } catch (RuntimeException e) {
        moved.completeExceptionally(e);
      }
    });
    return moved;
  }

  /** On the owner: the next state, its route, and the transition's side effects. */
  private void apply(SourceState prev, Outcome outcome) {
    SourceState next;
    if (outcome instanceof Migrated m) {
      next = prev.migrated(m.error().dc());
    } else if (outcome instanceof Redirected r) {
      next = prev.redirected(r.redirect());
    } else {
      next = prev instanceof Cdn c ? prev.cdnFailed(c) : prev;
    }
    if (next == prev) {
      return;
    }
    route = routeFor(next);
    if (outcome instanceof Migrated m) {
      events.migrated(prev.masterDc(), next.masterDc(), m.error().errorMessage());
    } else if (next instanceof Cdn) {
      hashes.reset(); // the CDN's hashes from now on, starting with those the redirect carried
      hashes.add(((Redirected) outcome).redirect().fileHashes());
    } else if (prev instanceof Cdn) {
      hashes.reset(); // back to the DC's hashes
    }
  }

  /** The source serving {@code state}. */
  private Route routeFor(SourceState state) {
    if (state instanceof Cdn c) {
      DcClient master = client.dc(c.masterDc());
      FileSource cdn = new CdnSource(client.cdn(c.cdnDc()), master, c, this::size, hashes::add);
      FileHashes.Requester cdnHashes = from -> master.getCdnFileHashes(new GetCdnFileHashes(c.token(), from));
      return new Route(state, new VerifyingSource(cdn, hashes, cdnHashes, this::size, true, events));
    }
    DcClient dc = client.dc(state.masterDc());
    FileSource master = new MasterSource(dc, this::file, cdnAllowed && state.cdnSupported());
    if (!verify) {
      return new Route(state, master);
    }
    FileHashes.Requester dcHashes = from -> dc.getFileHashes(new GetFileHashes(file.location(), from));
    return new Route(state, new VerifyingSource(master, hashes, dcHashes, this::size, false, events));
  }

  private long size() {
    return file.size();
  }

  /**
   * Returns a future the engine may cancel; bytes that arrive after the cancellation are released
   * here rather than leaked.
   */
  private static CompletableFuture<TlBytes> bridge(CompletableFuture<TlBytes> upstream) {
    CompletableFuture<TlBytes> result = new CompletableFuture<>();
    upstream.whenComplete((b, e) -> {
      if (e != null) {
        result.completeExceptionally(FileSource.unwrap(e));
      } else if (!result.complete(b)) {
        b.release();
      }
    });
    // Cancelling the result does not cancel upstream: a cancelled stage would drop a value that
    // completes later (a leaked slice). The request finishes and its bytes are released above.
    return result;
  }
}
