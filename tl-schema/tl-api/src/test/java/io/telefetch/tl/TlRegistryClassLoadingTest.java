package io.telefetch.tl;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.util.collection.IntObjectHashMap;
import io.telefetch.tl.api.PeerChannel;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Building {@link TlRegistry#standard()} loads none of the ~2,500 generated classes (loading,
 * linking and verifying them all took seconds on a small machine, and made a foreign client's
 * first key exchange against the testkit time out): a generated class is loaded when an object of
 * it is first decoded. Checked in a class loader of its own, which records every class it defines,
 * since this JVM's registry may have been built by earlier tests.
 */
class TlRegistryClassLoadingTest {
  private static final String API = "io.telefetch.tl.api.";
  private static final String MTPROTO = "io.telefetch.tl.mtproto.";

  /** Loads tl-api and netty again, apart from this JVM's copy, and records what it defines. */
  private static final class Recording extends URLClassLoader {
    private final Set<String> defined = new TreeSet<>();

    Recording() throws Exception {
      super(new URL[] {location(TlRegistry.class), location(ByteBuf.class), location(IntObjectHashMap.class)},
          ClassLoader.getPlatformClassLoader());
    }

    private static URL location(Class<?> c) throws Exception {
      return c.getProtectionDomain().getCodeSource().getLocation();
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      Class<?> c = super.findClass(name);
      synchronized (defined) {
        defined.add(name);
      }
      return c;
    }

    /** The generated classes (of both schemas) defined so far. */
    Set<String> generated() {
      synchronized (defined) {
        return defined.stream().filter(n -> n.startsWith(API) || n.startsWith(MTPROTO))
            .collect(Collectors.toCollection(TreeSet::new));
      }
    }
  }

  @Test
  void theStandardRegistryLoadsNoGeneratedClassUntilItIsDecoded() throws Exception {
    try (Recording loader = new Recording()) {
      Class<?> registryClass = loader.loadClass(TlRegistry.class.getName());
      assertThat(registryClass.getClassLoader()).isSameAs(loader);
      Object registry = registryClass.getMethod("standard").invoke(null);
      assertThat((int) registryClass.getMethod("size").invoke(registry)).isGreaterThan(2400);
      assertThat(registryClass.getMethod("name", int.class).invoke(registry, PeerChannel.ID)).isEqualTo("peerChannel");
      // the registration classes and their deserializers, nothing else
      assertThat(loader.generated()).containsExactlyInAnyOrder(
          API + "ApiSchema", API + "ApiSchema$Deserializer", MTPROTO + "MtprotoSchema", MTPROTO + "MtprotoSchema$Deserializer");

      // peerChannel#a2a5371e channel_id:long = Peer
      byte[] bytes = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(PeerChannel.ID).putLong(777L).array();
      Object buf = loader.loadClass("io.netty.buffer.Unpooled").getMethod("wrappedBuffer", byte[].class).invoke(null, (Object) bytes);
      Class<?> readerClass = loader.loadClass(TlReader.class.getName());
      Constructor<?> newReader = readerClass.getConstructor(loader.loadClass(ByteBuf.class.getName()));
      Object decoded = readerClass.getMethod("readObject").invoke(newReader.newInstance(buf));
      assertThat(decoded.getClass().getName()).isEqualTo(PeerChannel.class.getName());
      assertThat(decoded.getClass().getClassLoader()).isSameAs(loader);
      Method channelId = decoded.getClass().getMethod("channelId");
      assertThat(channelId.invoke(decoded)).isEqualTo(777L);
      // the decoded class and its type interface were loaded for it; no other generated class
      assertThat(loader.generated()).containsExactlyInAnyOrderElementsOf(List.of(
          API + "ApiSchema", API + "ApiSchema$Deserializer", MTPROTO + "MtprotoSchema", MTPROTO + "MtprotoSchema$Deserializer",
          API + "PeerChannel", API + "Peer"));
    }
  }
}
