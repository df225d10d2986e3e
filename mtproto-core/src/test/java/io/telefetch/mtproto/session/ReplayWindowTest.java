package io.telefetch.mtproto.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {

  @Test
  void rejectsDuplicates() {
    ReplayWindow w = new ReplayWindow(8);
    assertThat(w.accept(10)).isTrue();
    assertThat(w.accept(10)).isFalse();
    assertThat(w.accept(5)).isTrue(); // older, but the window is not full: nothing forgotten yet
    assertThat(w.accept(5)).isFalse();
    assertThat(w.size()).isEqualTo(2);
  }

  @Test
  void onceFullRejectsAnythingNotNewerThanTheOldestKept() {
    ReplayWindow w = new ReplayWindow(3);
    w.accept(10);
    w.accept(20);
    w.accept(30);
    assertThat(w.accept(5)).isFalse();
    assertThat(w.accept(10)).isFalse();
    assertThat(w.accept(15)).isTrue(); // evicts 10
    assertThat(w.accept(10)).isFalse(); // forgotten, but below the window
    assertThat(w.accept(12)).isFalse(); // below the new oldest (15)
    assertThat(w.accept(25)).isTrue(); // evicts 15
    assertThat(w.contains(15)).isFalse();
    assertThat(w.contains(20)).isTrue();
    assertThat(w.size()).isEqualTo(3);
    assertThat(w.max()).isEqualTo(30);
  }

  @Test
  void seenAgreesWithAccept() {
    Random r = new Random(7);
    ReplayWindow w = new ReplayWindow(16);
    for (int i = 0; i < 5000; i++) {
      long id = r.nextInt(2000);
      boolean seen = w.seen(id);
      assertThat(w.accept(id)).isEqualTo(!seen);
      assertThat(w.seen(id)).isTrue();
    }
  }

  @Test
  void outOfOrderArrivalsWithinTheWindowAreAccepted() {
    ReplayWindow w = new ReplayWindow(64);
    List<Long> ids = new ArrayList<>();
    for (long i = 1; i <= 64; i++) {
      ids.add(i * 4 + 1);
    }
    Collections.shuffle(ids, new Random(1));
    for (long id : ids) {
      assertThat(w.accept(id)).isTrue();
    }
    for (long id : ids) {
      assertThat(w.accept(id)).isFalse();
    }
  }

  @Test
  void keepsTheNewestIdsAgainstAModel() {
    Random r = new Random(3);
    int capacity = 32;
    ReplayWindow w = new ReplayWindow(capacity);
    TreeSet<Long> model = new TreeSet<>();
    for (int i = 0; i < 20_000; i++) {
      long id = r.nextInt(100_000);
      boolean expected = !model.contains(id) && (model.size() < capacity || id > model.first());
      assertThat(w.accept(id)).as("id %d", id).isEqualTo(expected);
      if (expected) {
        model.add(id);
        if (model.size() > capacity) {
          model.pollFirst();
        }
      }
      assertThat(w.size()).isEqualTo(model.size());
      assertThat(w.belowWindow(id - 1)).isEqualTo(model.size() == capacity && id - 1 < model.first());
    }
  }

  @Test
  void capacityMustBePositive() {
    assertThatThrownBy(() -> new ReplayWindow(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
