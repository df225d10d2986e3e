package io.telefetch.testing;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension, registered automatically for every test class of a module that depends on
 * this one, that turns Netty's leak reports into test failures.
 *
 * <p>It installs a {@link ResourceLeakDetectorFactory} whose detectors record every leak report
 * instead of only logging it, forces the detector to PARANOID, and after each test class runs the
 * garbage collector and fails the class if any buffer it allocated was collected unreleased.
 */
public final class LeakDetection implements BeforeAllCallback, AfterAllCallback {

  private static final List<String> LEAKS = new ArrayList<>();

  static {
    install();
  }

  /** Installs the recording factory; safe to call more than once. */
  public static synchronized void install() {
    if (ResourceLeakDetectorFactory.instance() instanceof RecordingFactory) {
      return;
    }
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    install();
    drain();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    List<String> leaks = collect();
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          leaks.size() + " Netty buffer leak(s) detected in " + context.getDisplayName() + ":\n"
              + String.join("\n----\n", leaks));
    }
  }

  /** Runs the collector, lets the detectors poll their queues and returns (and clears) the leaks. */
  public static List<String> collect() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      System.runFinalization();
      // Leaks are reported when a detector tracks a new object: allocate and release a few.
      for (int j = 0; j < 4; j++) {
        io.netty.buffer.ByteBuf probe = io.netty.buffer.PooledByteBufAllocator.DEFAULT.buffer(8);
        probe.release();
        io.netty.buffer.ByteBuf probe2 = io.netty.buffer.UnpooledByteBufAllocator.DEFAULT.buffer(8);
        probe2.release();
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return drain();
  }

  private static List<String> drain() {
    synchronized (LEAKS) {
      List<String> copy = new ArrayList<>(LEAKS);
      LEAKS.clear();
      return copy;
    }
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return new RecordingDetector<>(resource, samplingInterval);
    }
  }

  private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
    RecordingDetector(Class<T> resource, int samplingInterval) {
      super(resource, samplingInterval);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      super.reportTracedLeak(resourceType, records);
      synchronized (LEAKS) {
        LEAKS.add("LEAK: " + resourceType + records);
      }
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      super.reportUntracedLeak(resourceType);
      synchronized (LEAKS) {
        LEAKS.add("LEAK (untraced): " + resourceType);
      }
    }
  }
}
