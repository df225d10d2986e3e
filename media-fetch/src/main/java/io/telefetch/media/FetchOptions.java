package io.telefetch.media;

import io.telefetch.media.engine.PartPlan;
import io.telefetch.mtproto.rpc.Backoff;
import io.telefetch.mtproto.rpc.Scheduler;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * Immutable downloader options. The defaults are safe for real Telegram: 1 MiB parts, a window of
 * 4 growing to 8 parts (8 MiB of memory per download at most), SHA-256 verification on, CDN on.
 */
public final class FetchOptions {
  private final int partSize;
  private final int initialWindow;
  private final int maxWindow;
  private final boolean verify;
  private final boolean cdn;
  private final int maxRetries;
  private final int maxHashRetries;
  private final Duration baseBackoff;
  private final Duration maxBackoff;
  private final Duration maxFloodWait;
  private final Scheduler scheduler;
  private final Random random;
  private final Clock clock;
  private final Duration stallTimeout;
  private final Scheduler watchdogScheduler;
  private final FileIo fileIo;

  private FetchOptions(Builder b) {
    this.partSize = b.partSize;
    this.initialWindow = b.initialWindow;
    this.maxWindow = b.maxWindow;
    this.verify = b.verify;
    this.cdn = b.cdn;
    this.maxRetries = b.maxRetries;
    this.maxHashRetries = b.maxHashRetries;
    this.baseBackoff = b.baseBackoff;
    this.maxBackoff = b.maxBackoff;
    this.maxFloodWait = b.maxFloodWait;
    this.scheduler = b.scheduler;
    this.random = b.random;
    this.clock = b.clock;
    this.stallTimeout = b.stallTimeout;
    this.watchdogScheduler = b.watchdogScheduler;
    this.fileIo = b.fileIo;
  }

  public static FetchOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder newBuilder() {
    Builder b = new Builder();
    b.partSize = partSize;
    b.initialWindow = initialWindow;
    b.maxWindow = maxWindow;
    b.verify = verify;
    b.cdn = cdn;
    b.maxRetries = maxRetries;
    b.maxHashRetries = maxHashRetries;
    b.baseBackoff = baseBackoff;
    b.maxBackoff = maxBackoff;
    b.maxFloodWait = maxFloodWait;
    b.scheduler = scheduler;
    b.random = random;
    b.clock = clock;
    b.stallTimeout = stallTimeout;
    b.watchdogScheduler = watchdogScheduler;
    b.fileIo = fileIo;
    return b;
  }

  public int partSize() {
    return partSize;
  }

  public int initialWindow() {
    return initialWindow;
  }

  public int maxWindow() {
    return maxWindow;
  }

  public boolean verify() {
    return verify;
  }

  public boolean cdn() {
    return cdn;
  }

  public int maxRetries() {
    return maxRetries;
  }

  public int maxHashRetries() {
    return maxHashRetries;
  }

  public Duration baseBackoff() {
    return baseBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** The backoff between a part's retries: {@link Backoff#exponential} of {@link #baseBackoff()} and {@link #maxBackoff()}. */
  public Backoff backoff() {
    return Backoff.exponential(baseBackoff, maxBackoff);
  }

  public Duration maxFloodWait() {
    return maxFloodWait;
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  public Random random() {
    return random;
  }

  public Clock clock() {
    return clock;
  }

  /** No progress for this long with parts in flight is a stall; zero when the watchdog is off. */
  public Duration stallTimeout() {
    return stallTimeout;
  }

  /** What paces the watchdog's checks (a quarter of the stall timeout apart): the scheduler unless set. */
  public Scheduler watchdogScheduler() {
    return watchdogScheduler == null ? scheduler : watchdogScheduler;
  }

  /** How {@code toPath} opens its files. */
  public FileIo fileIo() {
    return fileIo;
  }

  /** Builds {@link FetchOptions}. */
  public static final class Builder {
    private int partSize = PartPlan.MAX_PART;
    private int initialWindow = 4;
    private int maxWindow = 8;
    private boolean verify = true;
    private boolean cdn = true;
    private int maxRetries = 5;
    private int maxHashRetries = 3;
    private Duration baseBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private Duration maxFloodWait = Duration.ofSeconds(60);
    private Scheduler scheduler = Scheduler.system();
    private Random random = new SecureRandom();
    private Clock clock = Clock.systemUTC();
    private Duration stallTimeout = Duration.ofSeconds(30);
    private Scheduler watchdogScheduler;
    private FileIo fileIo = FileIo.system();

    private Builder() {}

    /** Bytes per request: a power of two from 4 KiB to 1 MiB (at least 128 KiB with verification). */
    public Builder partSize(int bytes) {
      this.partSize = bytes;
      return this;
    }

    /** Parts in flight at the start and at most (the memory bound is maxWindow x partSize). */
    public Builder window(int initial, int max) {
      this.initialWindow = initial;
      this.maxWindow = max;
      return this;
    }

    /** SHA-256 verification of parts against upload.getFileHashes (CDN parts are always verified). */
    public Builder verify(boolean verify) {
      this.verify = verify;
      return this;
    }

    /** Whether to accept CDN redirects (cdn_supported). */
    public Builder cdn(boolean cdn) {
      this.cdn = cdn;
      return this;
    }

    /**
     * Retries of one part after transient errors (500, -503, timeouts, lost connections): the only
     * retries of a part (the client's own are off for parts), so a part that keeps failing costs at
     * most {@code 1 + n} requests.
     */
    public Builder maxRetries(int n) {
      this.maxRetries = n;
      return this;
    }

    /** Re-fetches of a part whose hash did not match before the download fails. */
    public Builder maxHashRetries(int n) {
      this.maxHashRetries = n;
      return this;
    }

    /**
     * Exponential backoff with full jitter between these bounds ({@link Backoff#exponential}, the
     * client's rule too).
     *
     * @throws IllegalArgumentException for a negative bound
     */
    public Builder backoff(Duration base, Duration max) {
      Backoff.exponential(base, max); // validates
      this.baseBackoff = base;
      this.maxBackoff = max;
      return this;
    }

    /**
     * FLOOD_WAIT longer than this fails the download instead of waiting. Shorter ones shrink the
     * window and are waited by the downloader itself, at once: the client does not sleep through
     * a part's flood waits.
     */
    public Builder maxFloodWait(Duration max) {
      this.maxFloodWait = Objects.requireNonNull(max);
      return this;
    }

    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler);
      return this;
    }

    public Builder random(Random random) {
      this.random = Objects.requireNonNull(random);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /**
     * The stall watchdog: when parts are in flight and none is answered for {@code timeout} (of the
     * {@link #clock}), the download abandons those requests, reconnects the connections they went
     * out on and asks again; each stall doubles the timeout (a slow link is not a dead one), and
     * four times the slowest part seen counts if longer. After {@link #maxRetries} stalls in a row it
     * fails with {@link io.telefetch.media.engine.DownloadStalledException}. Default 30 s; {@link
     * Duration#ZERO} turns it off.
     */
    public Builder stallTimeout(Duration timeout) {
      if (Objects.requireNonNull(timeout).isNegative()) {
        throw new IllegalArgumentException("negative stall timeout");
      }
      this.stallTimeout = timeout;
      return this;
    }

    /** What paces the watchdog's checks (default: {@link #scheduler}); tests pass one they drive. */
    public Builder watchdogScheduler(Scheduler scheduler) {
      this.watchdogScheduler = Objects.requireNonNull(scheduler);
      return this;
    }

    /** How {@code toPath} opens the partial and state files (default: {@link FileIo#system()}). */
    public Builder fileIo(FileIo fileIo) {
      this.fileIo = Objects.requireNonNull(fileIo);
      return this;
    }

    public FetchOptions build() {
      new PartPlan(partSize, 0, 0); // validates the part size
      if (verify && partSize < (128 << 10)) {
        throw new IllegalArgumentException("verification needs parts of at least 128 KiB (the hash window)");
      }
      if (initialWindow < 1 || maxWindow < initialWindow) {
        throw new IllegalArgumentException("need 1 <= initial window <= max window");
      }
      if (maxRetries < 0 || maxHashRetries < 0) {
        throw new IllegalArgumentException("negative retry count");
      }
      return new FetchOptions(this);
    }
  }
}
