package io.telefetch.mtproto.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * An immutable list of DC access points, either built in ({@link #production()}, {@link #test()}),
 * given explicitly (for example the addresses of a test cluster), or from {@code help.getConfig}.
 * It knows which address to use for ordinary calls, for file transfer (a {@code media_only}
 * option preferred) and for a CDN DC.
 */
public final class DcOptions {
  private static final DcOptions PRODUCTION = of(List.of(
      DcOption.of(1, "149.154.175.50", 443),
      DcOption.of(2, "149.154.167.51", 443),
      DcOption.of(3, "149.154.175.100", 443),
      DcOption.of(4, "149.154.167.91", 443),
      DcOption.of(5, "149.154.171.5", 443)));
  private static final DcOptions TEST = of(List.of(
      DcOption.of(1, "149.154.175.10", 443),
      DcOption.of(2, "149.154.167.40", 443),
      DcOption.of(3, "149.154.175.117", 443)));

  private final List<DcOption> options;

  private DcOptions(List<DcOption> options) {
    this.options = List.copyOf(options);
  }

  /** Telegram's production DCs 1 to 5 (IPv4, port 443): the bootstrap list before help.getConfig. */
  public static DcOptions production() {
    return PRODUCTION;
  }

  /** Telegram's test DCs 1 to 3 (keys are created with dc + 10000 and the test RSA key). */
  public static DcOptions test() {
    return TEST;
  }

  /** Exactly these options, in this order of preference. */
  public static DcOptions of(Collection<DcOption> options) {
    return new DcOptions(new ArrayList<>(Objects.requireNonNull(options, "options")));
  }

  /** Exactly these options, in this order of preference. */
  public static DcOptions of(DcOption... options) {
    return of(List.of(options));
  }

  /** The options of a {@code config}, flags included, in the server's order. */
  static DcOptions fromConfig(io.telefetch.tl.api.Config config) {
    List<DcOption> list = new ArrayList<>();
    for (io.telefetch.tl.api.DcOptionType t : config.dcOptions()) {
      if (t instanceof io.telefetch.tl.api.DcOption o) {
        list.add(DcOption.fromTl(o));
      }
    }
    return new DcOptions(list);
  }

  /** Every option. */
  public List<DcOption> all() {
    return options;
  }

  /** The ids of the DCs listed (CDN DCs included), ascending. */
  public List<Integer> dcIds() {
    TreeSet<Integer> ids = new TreeSet<>();
    options.forEach(o -> ids.add(o.id()));
    return List.copyOf(ids);
  }

  /** Whether some option serves DC {@code id}. */
  public boolean contains(int id) {
    return options.stream().anyMatch(o -> o.id() == id);
  }

  /** Whether DC {@code id} is listed only as a CDN DC. */
  public boolean isCdn(int id) {
    return contains(id) && options.stream().filter(o -> o.id() == id).allMatch(DcOption::cdn);
  }

  /**
   * The address for ordinary calls to DC {@code id}: not media-only, not CDN, IPv4 unless {@code
   * ipv6} is preferred or nothing else exists, and {@code tcpo_only} only when {@code obfuscated}.
   */
  public Optional<DcOption> forCalls(int id, boolean ipv6, boolean obfuscated) {
    return pick(id, false, false, ipv6, obfuscated);
  }

  /** The address for file transfer from DC {@code id}: a media-only option when one exists. */
  public Optional<DcOption> forFiles(int id, boolean ipv6, boolean obfuscated) {
    Optional<DcOption> media = pick(id, true, false, ipv6, obfuscated);
    return media.isPresent() ? media : forCalls(id, ipv6, obfuscated);
  }

  /** The address of CDN DC {@code id}. */
  public Optional<DcOption> forCdn(int id, boolean ipv6, boolean obfuscated) {
    return pick(id, null, true, ipv6, obfuscated);
  }

  /** {@code mediaOnly} null: either. */
  private Optional<DcOption> pick(int id, Boolean mediaOnly, boolean cdn, boolean ipv6, boolean obfuscated) {
    DcOption best = null;
    int bestScore = Integer.MIN_VALUE;
    for (DcOption o : options) {
      if (o.id() != id || o.cdn() != cdn || (mediaOnly != null && o.mediaOnly() != mediaOnly)
          || (o.tcpoOnly() && !obfuscated)) {
        continue;
      }
      int score = (o.ipv6() == ipv6 ? 2 : 0) + (o.isStatic() ? 0 : 1);
      if (score > bestScore) {
        best = o;
        bestScore = score;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * These options updated by a fresher list: every DC the fresh list mentions takes the fresh
   * options, DCs it does not mention keep theirs (so a static bootstrap address is never lost).
   */
  DcOptions mergedWith(DcOptions fresh) {
    List<DcOption> merged = new ArrayList<>(fresh.options);
    for (DcOption o : options) {
      if (!fresh.contains(o.id())) {
        merged.add(o);
      }
    }
    return new DcOptions(merged);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DcOptions d && d.options.equals(options);
  }

  @Override
  public int hashCode() {
    return options.hashCode();
  }

  @Override
  public String toString() {
    return "DcOptions" + options;
  }
}
