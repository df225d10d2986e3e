package io.telefetch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * telefetch-bom manages every library artifact, at the project's version, and nothing else (it has
 * no parent, so importing it imposes no third-party versions). Reads the poms from the source tree;
 * surefire runs in the module directory.
 */
class BomTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  static Document parse(Path pom) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(pom.toFile());
  }

  static String child(Element e, String name) {
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && c.getTagName().equals(name)) {
        return c.getTextContent().trim();
      }
    }
    return null;
  }

  @Test
  void bomManagesEveryLibraryArtifactAtTheProjectVersion() throws Exception {
    Element parent = parse(ROOT.resolve("pom.xml")).getDocumentElement();
    Element bom = parse(ROOT.resolve("bom/pom.xml")).getDocumentElement();
    assertThat(child(bom, "artifactId")).isEqualTo("telefetch-bom");
    assertThat(child(bom, "packaging")).isEqualTo("pom");
    assertThat(child(bom, "groupId")).isEqualTo(child(parent, "groupId"));
    assertThat(child(bom, "version")).isEqualTo(child(parent, "version"));
    assertThat(bom.getElementsByTagName("parent").getLength()).isZero();

    List<String> artifacts = new ArrayList<>();
    NodeList deps = bom.getElementsByTagName("dependency");
    for (int i = 0; i < deps.getLength(); i++) {
      Element d = (Element) deps.item(i);
      assertThat(child(d, "groupId")).isEqualTo("io.telefetch");
      assertThat(child(d, "version")).isEqualTo("${project.version}");
      artifacts.add(child(d, "artifactId"));
    }
    assertThat(artifacts).doesNotHaveDuplicates();
    assertThat(new TreeSet<>(artifacts)).containsExactly("telefetch-account-pool", "telefetch-link-resolver",
        "telefetch-media-fetch", "telefetch-mtproto-core", "telefetch-redis", "telefetch-testkit", "telefetch-tl-api");

    // the modules behind them exist and are in the reactor, and so is the BOM
    NodeList modules = parent.getElementsByTagName("module");
    List<String> moduleDirs = new ArrayList<>();
    for (int i = 0; i < modules.getLength(); i++) {
      moduleDirs.add(modules.item(i).getTextContent().trim());
    }
    assertThat(moduleDirs).contains("bom", "tl-schema/tl-api", "mtproto-core", "media-fetch", "link-resolver", "testkit",
        "account-pool", "redis");
    for (String dir : moduleDirs) {
      Element pom = parse(ROOT.resolve(dir).resolve("pom.xml")).getDocumentElement();
      String artifactId = child(pom, "artifactId");
      if (List.of("tl-schema/tl-api", "mtproto-core", "media-fetch", "link-resolver", "testkit", "account-pool", "redis")
          .contains(dir)) {
        assertThat(artifacts).contains(artifactId);
      }
    }
    assertThat(Files.exists(ROOT.resolve("bom/pom.xml"))).isTrue();
  }
}
