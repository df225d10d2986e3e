package io.telefetch.examples.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test media made by the bundled FFmpeg from generated frames ({@code testsrc} and a sine tone), and
 * {@code ffprobe -of json} of a file.
 */
public final class FfmpegFixtures {
  /** What ffprobe says about a file: the container family, the streams ("video:mpeg4"...) and the duration. */
  public record Probe(String formatName, List<String> streams, double duration) {}

  private static Ffmpeg bundled;

  private FfmpegFixtures() {}

  /** The bundled build, extracted once. */
  public static synchronized Ffmpeg ffmpeg() {
    if (bundled == null) {
      bundled = Ffmpeg.bundled();
    }
    return bundled;
  }

  /**
   * A Matroska file of {@code seconds} of 320x240 25 fps MPEG-4 Part 2 video with AAC audio, made at
   * test time.
   */
  public static Path makeMkv(Path dir, String name, int seconds) throws Exception {
    Path out = dir.resolve(name);
    run(ffmpeg().executable(), List.of("-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", "testsrc=duration=" + seconds + ":size=320x240:rate=25",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=" + seconds,
        "-c:v", "mpeg4", "-q:v", "5", "-c:a", "aac", "-shortest", out.toString()));
    assertThat(Files.size(out)).isPositive();
    return out;
  }

  /** {@code ffprobe -show_format -show_streams -of json FILE}. */
  public static Probe probe(Path file) throws Exception {
    Path ffprobe = ffmpeg().ffprobe().orElseThrow();
    String json = run(ffprobe, List.of("-v", "error", "-of", "json", "-show_format", "-show_streams",
        file.toString()));
    JsonNode root = new ObjectMapper().readTree(json);
    List<String> streams = new ArrayList<>();
    for (JsonNode s : root.path("streams")) {
      streams.add(s.path("codec_type").asText() + ":" + s.path("codec_name").asText());
    }
    JsonNode format = root.path("format");
    return new Probe(format.path("format_name").asText(), streams, Double.parseDouble(format.path("duration").asText("-1")));
  }

  private static String run(Path program, List<String> cmd) throws Exception {
    Process p = ffmpeg().command(program, cmd).start();
    p.getOutputStream().close();
    Path err = Files.createTempFile("ffmpeg", ".err");
    try {
      Thread drain = new Thread(() -> {
        try {
          Files.copy(p.getErrorStream(), err, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
          // the process died
        }
      });
      drain.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
      drain.join(10_000);
      assertThat(p.exitValue()).as("%s: %s", cmd, Files.readString(err)).isZero();
      return out;
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(err);
    }
  }
}
