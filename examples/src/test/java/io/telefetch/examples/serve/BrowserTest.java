package io.telefetch.examples.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.launcher.DemoCluster;
import io.telefetch.testkit.launcher.FileSpec;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldMessage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import io.telefetch.mtproto.rpc.EventListener;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.LoggerFactory;

/**
 * A real browser (Debian's headless Chromium through chromedriver) uses the page: pastes a testkit
 * link, the video plays, a seek makes the browser send a Range request, and a screenshot is saved
 * to {@code examples/target/serve-page.png}.
 */
class BrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @TempDir
  Path tmp;

  /** A 30 s 640x360 VP8 WebM (noise keeps it around 10 MB, so a seek cannot be served from the buffer). */
  private byte[] video() throws Exception {
    String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
    Path out = tmp.resolve("clip.webm");
    ProcessBuilder pb = new ProcessBuilder(ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
        "testsrc2=size=640x360:rate=25:duration=30", "-vf", "noise=alls=60:allf=t", "-c:v", "libvpx",
        "-deadline", "realtime", "-cpu-used", "8", "-b:v", "3M", "-g", "25", out.toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("ffmpeg.log").toFile());
    // The executable's shared libraries (libva...) sit next to it in JavaCPP's cache.
    String libs = Path.of(ffmpeg).getParent().toString();
    String old = System.getenv("LD_LIBRARY_PATH");
    pb.environment().put("LD_LIBRARY_PATH", old == null || old.isEmpty() ? libs : libs + File.pathSeparator + old);
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("ffmpeg finished").isTrue();
    assertThat(p.exitValue()).as(Files.readString(tmp.resolve("ffmpeg.log"))).isZero();
    return Files.readAllBytes(out);
  }

  @Test
  void thePagePlaysALinkAndASeekSendsARangeRequest() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "headless Chromium is not installed: skipping the browser test "
            + "(install it with: apt-get install -y chromium chromium-driver; .ci/run does)");
    List<String> access = new CopyOnWriteArrayList<>();
    Logger log = (Logger) LoggerFactory.getLogger("telefetch.access");
    AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent e) {
        access.add(e.getFormattedMessage());
      }
    };
    appender.start();
    log.setLevel(Level.INFO);
    log.addAppender(appender);
    byte[] clip = video();
    try (DemoCluster demo = DemoCluster.builder().dcs(2).file(FileSpec.parse("a.bin:1000")).build().start()) {
      World world = demo.cluster().world();
      WorldDocument doc = world.video("clip.webm", FileContent.of(clip)).mimeType("video/webm")
          .video(30, 640, 360, true).dc(2).create();
      WorldMessage post = world.post(demo.channel()).text("clip").media(doc).create();
      String link = "https://t.me/" + DemoCluster.CHANNEL + "/" + post.id();
      GatewayMetrics metrics = new GatewayMetrics();
      AtomicInteger downloadsEnded = new AtomicInteger();
      try (TelegramClient client = demo.config().clientOptions().callTimeout(Duration.ofSeconds(60))
          .eventListener(new EventListener() {
            @Override
            public void downloadFinished(long bytes, Duration elapsed, Throwable failure) {
              downloadsEnded.incrementAndGet();
            }
          }).build()) {
        client.login(Login.botToken(demo.config().botToken())).get(60, TimeUnit.SECONDS);
        try (Gateway gateway = Gateway.start(client, ServeOptions.builder().port(0).build(), metrics)) {
          browse("http://127.0.0.1:" + gateway.port() + "/", link, access);
          // The browser is gone: every stream it opened was cancelled or finished; wait for their
          // downloads to end before closing the client.
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (metrics.activeStreams.get() > 0 || downloadsEnded.get() < access.stream()
              .filter(l -> l.contains("GET /v1/media?") && (l.contains(" 200 ") || l.contains(" 206 "))).count()) {
            assertThat(System.nanoTime()).as("streams and downloads ended").isLessThan(deadline);
            Thread.sleep(20);
          }
        }
      }
    } finally {
      log.detachAppender(appender);
    }
  }

  private void browse(String page, String link, List<String> access) throws Exception {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required", "--mute-audio",
        "--window-size=420,860", "--user-data-dir=" + tmp.resolve("chromium-profile"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    try {
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
      driver.get(page);
      driver.findElement(By.id("link")).sendKeys(link);
      driver.findElement(By.id("go")).click();
      JavascriptExecutor js = driver;
      wait.until(d -> time(js) > 1.0);
      assertThat(access).anyMatch(l -> l.contains("GET /v1/info?link=") && l.contains(" 200 "));
      // Seek far ahead: the browser asks for bytes it has not buffered with a Range request.
      int before = access.size();
      js.executeScript("document.getElementById('video').currentTime = 25;");
      wait.until(d -> time(js) > 25.5);
      List<String> after = access.subList(before, access.size());
      assertThat(after).as(String.join("\n", access))
          .anyMatch(l -> l.contains("GET /v1/media?link=") && l.contains(" 206 ") && l.matches(".* range=bytes=[1-9][0-9]*-.*"));
      Path shot = Path.of("target", "serve-page.png");
      Files.createDirectories(shot.getParent());
      Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
      assertThat(Files.size(shot)).isPositive();
    } finally {
      driver.quit();
      service.close();
    }
  }

  private static double time(JavascriptExecutor js) {
    Object t = js.executeScript("return document.getElementById('video').currentTime;");
    return t instanceof Number n ? n.doubleValue() : 0;
  }
}
