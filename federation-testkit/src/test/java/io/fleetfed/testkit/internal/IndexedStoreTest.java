package io.fleetfed.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The sandbox store's map: every entry kept in order, and narrowed to one name while a request names one. */
class IndexedStoreTest {

  private static AttributeSet key(String kind, String namespace, String name) {
    return new AttributeSet(new Attribute("kind", kind), new Attribute("namespace", namespace),
        new Attribute("name", name));
  }

  @Test
  @DisplayName("narrowed to a name, the entry set holds exactly the entries of that name, in insertion order")
  void narrowing() {
    IndexedStore.NameIndexedMap map = new IndexedStore.NameIndexedMap();
    map.put(key("ConfigMap", "a", "same"), "1");
    map.put(key("ConfigMap", "a", "other"), "2");
    map.put(key("Secret", "b", "same"), "3");
    map.put(new AttributeSet(new Attribute("kind", "Namespace")), "4");   // no name: never narrowed to

    assertThat(map.entrySet()).extracting(Map.Entry::getValue).containsExactly("1", "2", "3", "4");
    assertThat(map.narrowedTo(Optional.of("same"), () -> map.entrySet().stream().map(Map.Entry::getValue).toList()))
        .containsExactly("1", "3");
    assertThat(map.narrowedTo(Optional.of("none"), map::entrySet)).isEmpty();
    assertThat(map.narrowedTo(Optional.empty(), map::entrySet)).hasSize(4);
    // nested requests restore the outer narrowing; after the request, every entry again
    assertThat(map.narrowedTo(Optional.of("same"), () -> {
      map.narrowedTo(Optional.of("other"), map::entrySet);
      return map.entrySet().size();
    })).isEqualTo(2);
    assertThat(map.entrySet()).hasSize(4);
  }

  @Test
  @DisplayName("replacing, removing and clearing keep the index equal to the entries")
  void indexFollowsTheEntries() {
    IndexedStore.NameIndexedMap map = new IndexedStore.NameIndexedMap();
    AttributeSet a = key("ConfigMap", "a", "same");
    AttributeSet b = key("Secret", "b", "same");
    map.put(a, "1");
    map.put(b, "2");
    assertThat(map.put(a, "1b")).isEqualTo("1");
    assertThat(map.narrowedTo(Optional.of("same"), () -> map.entrySet().stream().map(Map.Entry::getValue).toList()))
        .containsExactly("1b", "2");
    assertThat(map.remove(a)).isEqualTo("1b");
    assertThat(map.remove(a)).isNull();
    assertThat(map.narrowedTo(Optional.of("same"), () -> map.entrySet().stream().map(Map.Entry::getValue).toList()))
        .containsExactly("2");
    assertThat(map.get(b)).isEqualTo("2");
    assertThat(map.containsKey(a)).isFalse();
    map.clear();
    assertThat(map).isEmpty();
    assertThat(map.narrowedTo(Optional.of("same"), map::entrySet)).isEmpty();
  }
}
