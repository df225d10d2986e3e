package io.telefetch.examples.cli;

import io.telefetch.link.LinkResolver;
import io.telefetch.link.Peer;
import io.telefetch.link.ResolvedLink;
import io.telefetch.media.DownloadRequest;
import io.telefetch.media.FetchOptions;
import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.media.NoMediaException;
import io.telefetch.media.SafeFileNames;
import io.telefetch.pool.AccountLimits;
import io.telefetch.pool.AccountPool;
import io.telefetch.pool.AccountStatus;
import io.telefetch.pool.PoolAccount;
import io.telefetch.tl.api.InputDocumentFileLocation;
import io.telefetch.tl.api.InputFileLocationType;
import io.telefetch.tl.api.InputPhotoFileLocation;
import io.telefetch.tl.api.Message;
import io.telefetch.tl.api.MessageType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import io.telefetch.examples.ffmpeg.RemuxDownload;
import io.telefetch.examples.ffmpeg.RemuxOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code telefetch download LINK... [-i FILE|-]}: resolves each link (an album gives all its
 * files) and downloads the files into {@code -o DIR} under a {@link NameTemplate name template},
 * {@code -l N} at a time, each verified part by part against {@code upload.getFileHashes} and by
 * size. A {@code .part} file left by an interrupted run is resumed; {@code --skip-existing} skips
 * files already there with the right size.
 *
 * <p>Output ({@link DownloadDisplay}): live bars on a terminal, else one {@code <sha256>  <path>}
 * line per file on standard output and one line per failure on standard error, or {@code --json}
 * events. Exit status 0 when every file downloaded (or was skipped), 1 when any failed, 2 on a
 * usage error, 130 on Ctrl-C (SIGINT), which leaves the partial files for a resume.
 */
@Command(name = "download", mixinStandardHelpOptions = true,
    description = {"Download the files of t.me links (albums: every file) into a directory.",
        "Prints one line per file, SHA-256 and path (live progress bars on a terminal, --json for scripts). "
            + "Exit status 0: all downloaded; 1: some failed; 130: interrupted (run again to resume)."})
public final class DownloadCommand extends CliCommand {
  @Parameters(arity = "0..*", paramLabel = "LINK", description = "t.me or tg:// links")
  List<String> links = new ArrayList<>();

  @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "read links from FILE ('-': standard "
      + "input), one a line; blank lines and lines starting with # are skipped")
  @Nullable String input;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "where to write the files (default: the "
      + "current directory; created if missing)")
  Path dir = Path.of(".");

  @Option(names = {"-t", "--template"}, paramLabel = "TEMPLATE", defaultValue = NameTemplate.DEFAULT,
      description = "file name under DIR: {channel} {msg} {date} {name} {ext} {id}, '/' for subdirectories "
          + "(default: ${DEFAULT-VALUE})")
  String template = NameTemplate.DEFAULT;

  @Option(names = "--skip-existing", description = "skip a file already there with the expected size")
  boolean skipExisting;

  @Option(names = {"-l", "--parallel"}, paramLabel = "N", defaultValue = "2",
      description = "files downloaded at once (default ${DEFAULT-VALUE})")
  int parallel = 2;

  @Option(names = "--json", description = "one JSON object a line per event (start, progress, done, skipped, "
      + "failed, summary)")
  boolean json;

  @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
      description = "auto (live bars on a terminal), live or plain")
  String progress = "auto";

  @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS",
      description = "give up on a link or a file after this many seconds (default ${DEFAULT-VALUE})")
  long timeoutSeconds = 600;

  @Mixin
  RemuxOptions remux = new RemuxOptions();

  @Option(names = "--accounts", split = ",", paramLabel = "NAME",
      description = "spread each file's parts over these logged-in accounts (an account pool: each account "
          + "resolves the link itself; a flood wait on one moves its parts to the others)")
  List<String> accounts = new ArrayList<>();

  /** A file to download: the {@code index}-th media of {@code link}. */
  private record Job(String link, int index, MediaFile file, Path target) {}

  @Override
  protected int execute() throws Exception {
    NameTemplate names = NameTemplate.parse(template);
    if (parallel < 1 || parallel > 16) {
      throw new CliException("-l must be 1 to 16, not " + parallel, "e.g. -l 4", CliException.USAGE, null);
    }
    if (!accounts.isEmpty() && options.testkit() && options.embedded()) {
      throw new CliException("--accounts needs accounts of one Telegram", "use saved accounts or --testkit CONFIG.json",
          CliException.USAGE, null);
    }
    List<String> all = new ArrayList<>(links);
    if (input != null) {
      all.addAll(readLinks(input));
    }
    if (all.isEmpty()) {
      throw new CliException("no link to download", "give links as arguments or with -i FILE (- for standard input)",
          CliException.USAGE, null);
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new CliException("cannot use " + dir + " as the output directory: " + e, "-o must name a directory",
          CliException.USAGE, e);
    }
    DownloadDisplay.Mode mode = json ? DownloadDisplay.Mode.JSON
        : progress.equals("live") || (progress.equals("auto") && io.terminal()) ? DownloadDisplay.Mode.LIVE
        : DownloadDisplay.Mode.PLAIN;
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicInteger skipped = new AtomicInteger();
    AtomicBoolean interrupted = new AtomicBoolean();
    Set<CompletableFuture<?>> running = ConcurrentHashMap.newKeySet();
    ExecutorService workers = Executors.newFixedThreadPool(parallel, r -> {
      Thread t = new Thread(r, "telefetch-download");
      t.setDaemon(true);
      return t;
    });
    Thread hook = new Thread(() -> {
      interrupted.set(true);
      running.forEach(f -> f.cancel(true));
      workers.shutdown();
      try {
        workers.awaitTermination(3, TimeUnit.SECONDS);
        Thread.sleep(200); // the cancelled downloads persist their resume state
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      io.err().println("telefetch download: interrupted; the partial files are kept: run the same command again "
          + "to resume");
      io.err().flush();
    }, "telefetch-sigint");
    Runtime.getRuntime().addShutdownHook(hook);
    try (DownloadDisplay display = new DownloadDisplay(mode, io.out(), io.err());
        AccountClient account = options.openLoggedIn(io)) {
      LinkResolver resolver = LinkResolver.create(account.client());
      MediaFetcher fetcher = MediaFetcher.create(account.client());
      List<AccountClient> poolClients = new ArrayList<>();
      @Nullable AccountPool pool = accounts.isEmpty() ? null : openPool(poolClients);
      // --remux: each file's bytes go through FFmpeg as they arrive, into NAME.mp4 / NAME.mkv
      RemuxDownload remuxing = remux.enabled() ? remux.downloader(fetcher) : null;
      List<Future<?>> tasks = new ArrayList<>();
      for (String link : all) {
        if (interrupted.get()) {
          break;
        }
        List<Job> jobs;
        try {
          jobs = jobs(resolver, link, names, timeout);
        } catch (Exception e) {
          failed.incrementAndGet();
          display.failed(link, null, e);
          continue;
        }
        for (Job job : jobs) {
          tasks.add(workers.submit(() -> {
            if (interrupted.get()) {
              return;
            }
            try {
              switch (download(fetcher, pool, remuxing, job, display, running, timeout)) {
                case DONE -> done.incrementAndGet();
                case SKIPPED -> skipped.incrementAndGet();
              }
            } catch (Exception e) {
              if (!interrupted.get()) {
                failed.incrementAndGet();
                display.failed(job.link(), job.target(), e);
              }
            }
          }));
        }
      }
      for (Future<?> t : tasks) {
        t.get();
      }
      display.summary(done.get(), skipped.get(), failed.get(), interrupted.get());
      if (pool != null) {
        StringBuilder line = new StringBuilder("telefetch download: parts per account:");
        for (AccountStatus st : pool.status()) {
          line.append(' ').append(st.name()).append('=').append(st.partsFetched())
              .append(st.removed().map(r -> " (left: " + r + ")").orElse(""));
        }
        io.err().println(line);
      }
      for (AccountClient c : poolClients) {
        c.close();
      }
    } finally {
      workers.shutdownNow();
      if (!interrupted.get()) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // shutting down: the hook runs
        }
      }
    }
    return failed.get() == 0 ? 0 : 1;
  }

  private enum Outcome { DONE, SKIPPED }

  private Outcome download(MediaFetcher fetcher, @Nullable AccountPool pool,
      @Nullable RemuxDownload remuxing, Job job, DownloadDisplay display, Set<CompletableFuture<?>> running,
      Duration timeout) throws Exception {
    Path target = job.target();
    MediaFile file = job.file();
    if (skipExisting && Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
        && (file.size() < 0 || Files.size(target) == file.size())) {
      display.skipped(job.link(), target, Files.size(target));
      return Outcome.SKIPPED;
    }
    Files.createDirectories(target.getParent());
    if (remuxing != null) { // FFmpeg's output: no resume, no size check against the original
      display.started(job.link(), target, file.size());
      CompletableFuture<Path> r = remuxing.start(file, target.getParent());
      running.add(r);
      Path written;
      try {
        written = CliErrors.await(r, timeout);
      } finally {
        running.remove(r);
      }
      display.done(job.link(), written, Files.size(written), sha256(written), false);
      return Outcome.DONE;
    }
    boolean resumed = Files.exists(Path.of(target + ".part"));
    display.started(job.link(), target, file.size());
    DownloadRequest request = pool == null ? fetcher.download(file)
        : CliErrors.await(pool.download(a -> LinkResolver.create(a.client()).resolve(job.link().strip())
            .thenApply(r -> r.media().get(job.index())), FetchOptions.defaults()), timeout);
    CompletableFuture<Path> f = request
        .withProgress(p -> display.progress(job.link(), target, p.bytesDone(), p.bytesPerSecond()))
        .toPath(target);
    running.add(f);
    Path written;
    try {
      written = CliErrors.await(f, timeout);
    } finally {
      running.remove(f);
    }
    long size = Files.size(written);
    if (file.size() >= 0 && size != file.size()) {
      throw new CliException(written + " has " + size + " bytes, expected " + file.size(),
          "delete it and run the command again");
    }
    display.done(job.link(), written, size, sha256(written), resumed);
    return Outcome.DONE;
  }

  /**
   * The pool of {@code --accounts}: each account's logged-in client (added to {@code opened}, which
   * the caller closes), free-account limits.
   */
  private AccountPool openPool(List<AccountClient> opened) throws Exception {
    AccountPool.Builder b = AccountPool.builder();
    for (String name : new java.util.LinkedHashSet<>(accounts)) {
      AccountClient c = options.withAccount(name).openLoggedIn(io);
      opened.add(c);
      b.account(PoolAccount.of(name, c.client(), AccountLimits.free()));
    }
    return b.build();
  }

  /** The files of one link with their target paths. */
  private List<Job> jobs(LinkResolver resolver, String link, NameTemplate names, Duration timeout) throws Exception {
    ResolvedLink resolved = CliErrors.await(resolver.resolve(link.strip()), timeout);
    List<MediaFile> media = resolved.media();
    if (media.isEmpty()) {
      throw new NoMediaException("the link holds no file");
    }
    List<Integer> ids = resolved.messageIds();
    Peer peer = resolved.peer().orElse(null);
    List<Instant> dates = new ArrayList<>();
    if (names.uses("date") && peer != null && !ids.isEmpty()) {
      List<MessageType> messages = CliErrors.await(resolver.messages(peer, ids.stream().mapToInt(i -> i).toArray()),
          timeout);
      for (MessageType m : messages) {
        dates.add(m instanceof Message msg ? Instant.ofEpochSecond(msg.date()) : null);
      }
    }
    String channel = peer == null ? "" : peer.username() != null && !peer.username().isEmpty() ? peer.username()
        : Long.toString(peer.id());
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < media.size(); i++) {
      MediaFile file = media.get(i);
      int k = ids.size() == media.size() ? i : 0;
      int msg = ids.isEmpty() || resolved.storyId().isPresent() ? 0 : ids.get(k);
      Instant date = dates.size() > k ? dates.get(k) : null;
      Path target = names.resolve(dir, new NameTemplate.Values(channel, msg, date, SafeFileNames.of(file),
          mediaId(file.location())));
      jobs.add(new Job(link, i, file, target));
    }
    return jobs;
  }

  static long mediaId(InputFileLocationType l) {
    if (l instanceof InputDocumentFileLocation d) {
      return d.id();
    }
    if (l instanceof InputPhotoFileLocation p) {
      return p.id();
    }
    return 0;
  }

  private List<String> readLinks(String source) throws IOException {
    List<String> out = new ArrayList<>();
    InputStream in;
    try {
      in = source.equals("-") ? io.in() : Files.newInputStream(Path.of(source));
    } catch (IOException e) {
      throw new CliException("cannot read the link list " + source + ": " + e, "-i takes a file of links, or -",
          CliException.USAGE, e);
    }
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    for (String line; (line = r.readLine()) != null && out.size() < 100_000; ) {
      String s = line.strip();
      if (!s.isEmpty() && !s.startsWith("#")) {
        out.add(s);
      }
    }
    if (!source.equals("-")) {
      in.close();
    }
    return out;
  }

  static String sha256(Path file) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
