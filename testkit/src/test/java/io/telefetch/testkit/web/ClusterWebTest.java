package io.telefetch.testkit.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;

/** The web pages as part of a {@link TestCluster}: started on first use, closed with the cluster. */
class ClusterWebTest {
  @Test
  void clusterServesItsWorldsPagesUntilClosed() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base;
    try (TestCluster cluster = TestCluster.builder().dcs(2).build().start()) {
      WorldChannel channel = cluster.world().channel("cluster_web").title("Cluster web").dc(2).create();
      WorldMessage post = cluster.world().post(channel).text("hi").media(
          cluster.world().video("v.mp4", FileContent.seeded(1, 1000)).dc(2).create()).create();
      base = cluster.webBaseUrl();
      assertThat(cluster.web()).isSameAs(cluster.web());
      assertThat(cluster.web().postUrl(post)).isEqualTo(base + "/cluster_web/1");
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/cluster_web/1")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(Jsoup.parse(r.body()).selectFirst("meta[property=og:video]").attr("content"))
          .isEqualTo(base + "/_/file/cluster_web/1/v.mp4");
    }
    assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create(base + "/cluster_web/1")).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
  }
}
