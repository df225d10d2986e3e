package io.telefetch.media;

import io.telefetch.tl.api.FileHash;
import io.telefetch.tl.api.FileHashType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The hash windows of one file (upload.getFileHashes or upload.getCdnFileHashes answers), fetched
 * ahead of the parts that need them so that verifying a part does not wait for a round trip after
 * its bytes arrived.
 *
 * <p>When a part is scheduled ({@link #scheduled}) the hashes for it and for one answer's worth of
 * bytes after it are requested at once, unless a known window or a request in flight already covers
 * them. The first answer is a probe: it tells how many bytes one answer covers (the stride), and
 * the requests for every part scheduled meanwhile go out when it arrives. Verifying a part ({@link
 * #covering}) waits for the request in flight that should cover it and asks on demand for whatever
 * is still missing afterwards (a failed prefetch never fails a part; a failed on-demand request
 * does, as before).
 *
 * <p>Memory is bounded: a part's windows are forgotten once the part is fetched ({@link #done}),
 * answers keep only windows at or after the lowest part still in flight, and prefetching never goes
 * further than one stride past the furthest part scheduled, with at most {@link #MAX_PENDING}
 * requests in flight.
 *
 * <p>Thread-safe; requests are sent outside the lock. No {@link io.telefetch.tl.TlBytes} is owned
 * here: hash values are small heap copies.
 */
final class FileHashes {
  /** The most hash requests in flight at once. */
  static final int MAX_PENDING = 64;
  /** The most waits and on-demand requests for one part before it fails. */
  private static final int MAX_CALLS = 64;

  /** Asks the server for the hash windows from {@code offset} on (the server aligns the offset down). */
  @FunctionalInterface
  interface Requester {
    CompletableFuture<List<FileHashType>> request(long offset);
  }

  /** A request in flight: expected to cover {@code [from, expectedEnd)}; {@code processed} completes after its answer was added. */
  private record Pending(long from, long expectedEnd, int generation, CompletableFuture<Void> processed) {}

  /** A request decided under the lock, to be sent outside it. */
  private record Send(Pending pending, Requester requester) {}

  // guarded by this
  private final NavigableMap<Long, FileHash> windows = new TreeMap<>();
  private final NavigableMap<Long, Pending> pending = new TreeMap<>();
  /**
   * Offsets of the parts fetched and not yet completed, with how many fetches of each are out (a
   * part the stall watchdog asked again while its first request may still complete).
   */
  private final NavigableMap<Long, Integer> active = new TreeMap<>();
  /** One past the furthest byte of any part scheduled. */
  private long frontier;
  /** The file size, or -1 while unknown. */
  private long size = -1;
  /** Bytes one answer covers (0 until the first answer). */
  private long stride;
  /** Bumped by {@link #reset()}: answers to older requests are dropped. */
  private int generation;
  /** The requester of the latest prefetching {@link #scheduled} call (for the catch-up after the probe). */
  private Requester lastRequester;

  /**
   * Part {@code [offset, offset + limit)} is being fetched. With a {@code requester} (verification
   * applies), its hashes and the next stride's are requested now unless known or in flight.
   *
   * @param fileSize the file size, or -1 if unknown (prefetching stops at the end of the file)
   */
  void scheduled(long offset, int limit, long fileSize, Requester requester) {
    List<Send> sends;
    synchronized (this) {
      active.merge(offset, 1, Integer::sum);
      frontier = Math.max(frontier, offset + limit);
      size = fileSize;
      if (requester == null) {
        return;
      }
      lastRequester = requester;
      sends = plan(offset, frontier + Math.max(stride, limit), requester);
    }
    send(sends);
  }

  /** Part {@code [offset, offset + limit)} was fetched (and verified when that applies): forget its windows. */
  void done(long offset, int limit) {
    synchronized (this) {
      if (release(offset)) {
        windows.subMap(offset, offset + limit).clear();
        windows.headMap(floor()).clear();
      }
    }
  }

  /** A fetch of the part at {@code offset} failed: it is no longer out (a retry schedules it again); its windows stay. */
  void failed(long offset) {
    synchronized (this) {
      release(offset);
    }
  }

  /** One fetch of the part at {@code offset} ended; whether it was the last one out. Caller holds the lock. */
  private boolean release(long offset) {
    Integer n = active.get(offset);
    if (n != null && n > 1) {
      active.put(offset, n - 1);
      return false; // another fetch of this part (asked again by the stall watchdog) still needs its windows
    }
    active.remove(offset);
    return true;
  }

  /** Forgets every window and every request in flight (the hashes changed source: CDN redirect or fallback). */
  synchronized void reset() {
    generation++;
    windows.clear();
    pending.clear();
  }

  /** Adds windows the server sent unasked (upload.fileCdnRedirect, upload.reuploadCdnFile). */
  void add(List<FileHashType> list) {
    synchronized (this) {
      addLocked(list);
    }
  }

  /** The number of windows held (for tests of the memory bound). */
  synchronized int windowCount() {
    return windows.size();
  }

  /**
   * Completes with the windows inside {@code [offset, end)} once they cover it entirely: waiting
   * for requests in flight, then asking {@code requester} for what is still missing. Fails with the
   * on-demand request's error, or HashUnavailableException when the server gives no hash for a byte or
   * a window straddles the part.
   */
  CompletableFuture<List<FileHash>> covering(long offset, long end, Requester requester) {
    return step(offset, end, requester, 0);
  }

  private CompletableFuture<List<FileHash>> step(long offset, long end, Requester requester, int calls) {
    Pending wait;
    Send direct = null;
    synchronized (this) {
      long missing;
      try {
        missing = firstUncovered(offset, end);
      } catch (IllegalStateException e) {
        return CompletableFuture.failedFuture(e);
      }
      if (missing < 0) {
        return CompletableFuture.completedFuture(new ArrayList<>(windows.subMap(offset, end).values()));
      }
      if (calls > MAX_CALLS) {
        return CompletableFuture.failedFuture(new HashUnavailableException(missing, "server gave no hash for offset " + missing));
      }
      wait = inFlightCovering(missing);
      if (wait == null) {
        wait = new Pending(missing, missing + Math.max(1, stride), generation, new CompletableFuture<>());
        pending.put(missing, wait);
        direct = new Send(wait, requester);
      }
    }
    Pending mine = wait;
    if (direct == null) {
      // someone else's request: its failure is not ours; look again once it is answered
      return mine.processed().handle((v, e) -> null)
          .thenCompose(v -> step(offset, end, requester, calls + 1));
    }
    long missing = mine.from();
    send(List.of(direct));
    return mine.processed().thenCompose(v -> {
      boolean progress;
      synchronized (this) {
        // an answer dropped by a reset (CDN switch) meanwhile is no verdict on the server: ask again
        progress = mine.generation() != generation || firstUncoveredOrEnd(offset, end) != missing;
      }
      if (!progress) {
        return CompletableFuture.failedFuture(new HashUnavailableException(missing, "no file hash covers offset " + missing));
      }
      return step(offset, end, requester, calls + 1);
    });
  }

  /** Like {@link #firstUncovered} but a straddling window counts as progress (the next step reports it). */
  private long firstUncoveredOrEnd(long offset, long end) {
    try {
      return firstUncovered(offset, end);
    } catch (IllegalStateException e) {
      return Long.MIN_VALUE;
    }
  }

  /**
   * The requests needed so that {@code [from, to)} (clipped to the file) is known or in flight. Until
   * the first answer tells the stride only one request (the probe) is sent. Caller holds the lock.
   */
  private List<Send> plan(long from, long to, Requester requester) {
    List<Send> out = new ArrayList<>();
    if (size >= 0) {
      to = Math.min(to, size);
    }
    if (to <= from) {
      return out;
    }
    if (stride == 0) {
      if (pending.isEmpty() && firstUncoveredOrEnd(from, to) >= 0) {
        Pending probe = new Pending(from, Long.MAX_VALUE, generation, new CompletableFuture<>());
        pending.put(from, probe);
        out.add(new Send(probe, requester));
      }
      return out;
    }
    long pos = from;
    while (pos < to) {
      Map.Entry<Long, FileHash> w = windows.floorEntry(pos);
      if (w != null && w.getKey() + w.getValue().limit() > pos) {
        pos = w.getKey() + w.getValue().limit();
        continue;
      }
      Pending p = inFlightCovering(pos);
      if (p != null) {
        if (p.expectedEnd() == Long.MAX_VALUE) {
          break; // a probe: its extent is unknown yet
        }
        pos = p.expectedEnd();
        continue;
      }
      if (pending.size() >= MAX_PENDING) {
        break;
      }
      Pending next = new Pending(pos, pos + stride, generation, new CompletableFuture<>());
      pending.put(pos, next);
      out.add(new Send(next, requester));
      pos += stride;
    }
    return out;
  }

  private void send(List<Send> sends) {
    for (Send s : sends) {
      CompletableFuture<List<FileHashType>> answer;
      try {
        answer = s.requester().request(s.pending().from());
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      answer.whenComplete((list, e) -> answered(s.pending(), list, e));
    }
  }

  private void answered(Pending p, List<FileHashType> list, Throwable error) {
    List<Send> catchUp = List.of();
    synchronized (this) {
      pending.remove(p.from(), p);
      if (error == null && p.generation() == generation) {
        boolean probe = stride == 0;
        learnStride(list);
        addLocked(list);
        if (probe && stride > 0 && lastRequester != null) {
          // the parts scheduled while the probe was out get their requests now
          catchUp = plan(floor(), frontier + stride, lastRequester);
        }
      }
    }
    send(catchUp); // before waiters look again, so they find these requests in flight
    if (error != null) {
      p.processed().completeExceptionally(FileSource.unwrap(error));
    } else {
      p.processed().complete(null);
    }
  }

  private void learnStride(List<FileHashType> list) {
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (FileHashType h : list) {
      if (h instanceof FileHash fh) {
        first = Math.min(first, fh.offset());
        last = Math.max(last, fh.offset() + fh.limit());
      }
    }
    if (last > first) {
      stride = Math.max(stride, last - first);
    }
  }

  private void addLocked(List<FileHashType> list) {
    long keepFrom = floor();
    for (FileHashType h : list) {
      if (h instanceof FileHash fh && fh.offset() >= keepFrom && fh.limit() > 0) {
        windows.put(fh.offset(), fh);
      }
    }
  }

  /** Windows below this belong to parts already fetched. Caller holds the lock. */
  private long floor() {
    return active.isEmpty() ? frontier : active.firstKey();
  }

  /** The request in flight expected to cover {@code pos}, or null. Caller holds the lock. */
  private Pending inFlightCovering(long pos) {
    Map.Entry<Long, Pending> e = pending.floorEntry(pos);
    return e != null && e.getValue().expectedEnd() > pos ? e.getValue() : null;
  }

  /** The first byte of {@code [offset, end)} not covered by a known window, or -1. Caller holds the lock. */
  private long firstUncovered(long offset, long end) {
    long pos = offset;
    while (pos < end) {
      Map.Entry<Long, FileHash> e = windows.floorEntry(pos);
      if (e == null || e.getKey() + e.getValue().limit() <= pos) {
        return pos;
      }
      if (e.getKey() < offset) {
        throw new HashUnavailableException(offset, "hash window at " + e.getKey() + " straddles part " + offset
            + ": use a part size that is a multiple of the hash window");
      }
      pos = e.getKey() + e.getValue().limit();
    }
    return -1;
  }
}
