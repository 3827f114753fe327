package io.fleetfed.testkit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sandboxes on real API servers that test classes are done with, kept for the next test class of the same
 * configuration in this JVM ({@link FleetSandboxExtension}), and closed when the JVM exits.
 */
final class SandboxPool {

  private static final Map<Object, Deque<FleetSandbox>> IDLE = new HashMap<>();
  private static boolean hooked;

  private SandboxPool() {
  }

  /** An idle sandbox of this configuration, removed from the pool; not reset. */
  static synchronized Optional<FleetSandbox> take(Object key) {
    Deque<FleetSandbox> idle = IDLE.get(key);
    while (idle != null && !idle.isEmpty()) {
      FleetSandbox sandbox = idle.pop();
      if (!sandbox.isClosed()) {
        return Optional.of(sandbox);
      }
    }
    return Optional.empty();
  }

  /** Keeps a sandbox for {@link #take}; closed at JVM exit unless taken. */
  static synchronized void give(Object key, FleetSandbox sandbox) {
    if (!hooked) {
      hooked = true;
      Runtime.getRuntime().addShutdownHook(new Thread(SandboxPool::closeAll, "fleetfed-sandbox-pool"));
    }
    IDLE.computeIfAbsent(key, k -> new ArrayDeque<>()).push(sandbox);
  }

  private static void closeAll() {
    List<FleetSandbox> all = new ArrayList<>();
    synchronized (SandboxPool.class) {
      IDLE.values().forEach(all::addAll);
      IDLE.clear();
    }
    for (FleetSandbox sandbox : all) {
      try {
        sandbox.close();
      } catch (RuntimeException e) {
        // the JVM is exiting; RealApiServers' own hook kills the processes regardless
      }
    }
  }
}
