package io.telefetch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The TL registry (2,400+ deserializers) takes seconds to load on a small machine. Loaded lazily by
 * the first client's req_pq_multi, it made mtcute's first key exchange against a fresh launcher
 * time out (mtcute waits 5 s). {@link TestCluster#start()} now returns with it loaded. Checked in a
 * class loader of its own, since this JVM's registry was loaded by earlier tests.
 */
class RegistryWarmUpTest {
  private static final String REGISTRY = "io.telefetch.tl.TlRegistry$Standard";

  /** Loads the test class path again, apart from this JVM's copy; tells which classes it loaded. */
  private static final class Isolated extends URLClassLoader {
    Isolated() throws Exception {
      super(classPath(), ClassLoader.getPlatformClassLoader());
    }

    private static URL[] classPath() throws Exception {
      List<URL> urls = new ArrayList<>();
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        urls.add(new File(entry).toURI().toURL());
      }
      return urls.toArray(URL[]::new);
    }

    boolean loaded(String name) {
      return findLoadedClass(name) != null;
    }
  }

  @Test
  void startReturnsWithTheTlRegistryLoaded() throws Exception {
    try (Isolated loader = new Isolated()) {
      Class<?> clusterClass = loader.loadClass(TestCluster.class.getName());
      Object builder = clusterClass.getMethod("builder").invoke(null);
      Method dcs = builder.getClass().getMethod("dcs", int.class);
      builder = dcs.invoke(builder, 1);
      Object cluster = builder.getClass().getMethod("build").invoke(builder);
      assertThat(loader.loaded(REGISTRY)).as("registry loaded before start()").isFalse();
      clusterClass.getMethod("start").invoke(cluster);
      try {
        assertThat(loader.loaded(REGISTRY)).as("registry loaded when start() returns").isTrue();
      } finally {
        clusterClass.getMethod("close").invoke(cluster);
      }
    }
  }
}
