package io.fleetfed.testkit.internal;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import io.fabric8.mockwebserver.crud.CrudDispatcher;
import io.fabric8.mockwebserver.crud.Value;
import io.fabric8.mockwebserver.http.MockResponse;
import java.lang.reflect.Field;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * fabric8's CRUD store with its objects indexed by name, so that reading, writing or deleting one named object
 * costs the same whatever the store holds, as it does on a real API server (fabric8's store matches every stored
 * object against each request: a host holding thousands of dispatch records answered each new one in time
 * proportional to them).
 *
 * <p>The store's own map is replaced by {@link NameIndexedMap}, which keeps the same entries in the same order and
 * an index of them by their {@code name} attribute. While a request names one object, the map's entry set shows only
 * the entries of that name: fabric8's code then matches the request against those alone, and finds exactly what it
 * would have found among all (an entry of another name cannot match a request naming one). Everything else — lists,
 * watches, label selectors — sees every entry, as before.
 */
final class IndexedStore extends KubernetesCrudDispatcher {
  private static final String NAME = "name";

  private final NameIndexedMap index;

  IndexedStore() {
    this.index = new NameIndexedMap();
    try {
      Field map = CrudDispatcher.class.getDeclaredField("map");
      map.setAccessible(true);
      map.set(this, index);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("fabric8's CrudDispatcher has no replaceable map field: this fabric8 version "
          + "is not the one the sandbox was built for", e);
    }
  }

  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
    return index.narrowedTo(nameOf(query), () -> super.findResource(query));
  }

  @Override
  public MockResponse handleGet(String path) {
    return index.narrowedTo(nameOf(getKey(path)), () -> super.handleGet(path));
  }

  @Override
  public MockResponse handleDelete(String path) {
    return index.narrowedTo(nameOf(getKey(path)), () -> super.handleDelete(path));
  }

  /** The one name a query asks for, if it asks for exactly one. */
  private static Optional<String> nameOf(AttributeSet query) {
    Attribute name = query == null ? null : query.getAttribute(NAME);
    if (name == null || name.getType() != AttributeType.WITH || name.getValues().size() != 1) {
      return Optional.empty();
    }
    Value v = name.getValues().get(0);
    // no name (an object with only a generateName), or a wildcard, which equals every value: not narrowed
    return v.toString() == null || v.equals(new Value("\u0000no object has this name")) ? Optional.empty()
        : Optional.of(v.toString());
  }

  /**
   * The store's map: insertion-ordered entries, an index of them by name, and a per-thread narrowing of the entry
   * set to one name. fabric8 guards the map with its own read-write lock; the map is also synchronized on itself,
   * as fabric8's was.
   */
  static final class NameIndexedMap extends AbstractMap<AttributeSet, String> {
    private final Map<AttributeSet, String> entries = new LinkedHashMap<>();
    private final Map<String, Set<AttributeSet>> byName = new HashMap<>();
    private final ThreadLocal<String> narrowed = new ThreadLocal<>();

    <T> T narrowedTo(Optional<String> name, Supplier<T> call) {
      if (name.isEmpty()) {
        return call.get();
      }
      String before = narrowed.get();
      narrowed.set(name.get());
      try {
        return call.get();
      } finally {
        if (before == null) {
          narrowed.remove();
        } else {
          narrowed.set(before);
        }
      }
    }

    private static List<String> names(AttributeSet key) {
      Attribute a = key.getAttribute(NAME);
      return a == null ? List.of() : a.getValues().stream().map(Value::toString).filter(Objects::nonNull).toList();
    }

    @Override
    public synchronized String put(AttributeSet key, String value) {
      String old = entries.put(key, value);
      if (old == null) {
        for (String n : names(key)) {
          byName.computeIfAbsent(n, k -> new LinkedHashSet<>()).add(key);
        }
      }
      return old;
    }

    @Override
    public synchronized String remove(Object key) {
      String old = entries.remove(key);
      if (old != null && key instanceof AttributeSet k) {
        for (String n : names(k)) {
          Set<AttributeSet> same = byName.get(n);
          if (same != null) {
            same.remove(k);
            if (same.isEmpty()) {
              byName.remove(n);
            }
          }
        }
      }
      return old;
    }

    @Override
    public synchronized String get(Object key) {
      return entries.get(key);
    }

    @Override
    public synchronized boolean containsKey(Object key) {
      return entries.containsKey(key);
    }

    @Override
    public synchronized int size() {
      return entries.size();
    }

    @Override
    public synchronized void clear() {
      entries.clear();
      byName.clear();
    }

    /**
     * The entries, read-only: all of them, or only those of the name this thread's request asks for. A copy, so
     * that fabric8's streams over it need no lock of the map's.
     */
    @Override
    public synchronized Set<Map.Entry<AttributeSet, String>> entrySet() {
      String name = narrowed.get();
      Collection<AttributeSet> keys = name == null ? entries.keySet() : byName.getOrDefault(name, Set.of());
      List<Map.Entry<AttributeSet, String>> copy = keys.stream()
          .map(k -> Map.entry(k, entries.get(k))).toList();
      return new AbstractSet<>() {
        @Override
        public Iterator<Map.Entry<AttributeSet, String>> iterator() {
          return copy.iterator();
        }

        @Override
        public int size() {
          return copy.size();
        }
      };
    }
  }
}
