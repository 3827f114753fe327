package io.fleetfed.controller.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** KubeFed's work queue: keys de-duplicated, never run twice at once, the earlier of two delays kept. */
class WorkQueueTest {
  final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  static void await(CountDownLatch latch) throws InterruptedException {
    assertThat(latch.await(10, TimeUnit.SECONDS)).as("in time").isTrue();
  }

  @Test
  void aKeyAddedManyTimesWhileWaitingRunsOnce() throws Exception {
    CountDownLatch blocker = new CountDownLatch(1);
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(2);
    List<String> ran = new CopyOnWriteArrayList<>();
    try (WorkQueue<String> q = new WorkQueue<>("t", 1, timer, k -> {
      try {
        if (k.equals("first")) {
          firstStarted.countDown();
          blocker.await();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ran.add(k);
      done.countDown();
    })) {
      q.add("first");
      await(firstStarted);
      for (int i = 0; i < 5; i++) {
        q.add("k");
      }
      assertThat(q.depth()).isEqualTo(1);
      blocker.countDown();
      await(done);
      assertThat(ran).containsExactly("first", "k");
    }
  }

  @Test
  void aKeyAddedWhileRunningRunsAgainAfterNeverAtOnce() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlap = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch twice = new CountDownLatch(2);
    try (WorkQueue<String> q = new WorkQueue<>("t", 4, timer, k -> {
      if (running.incrementAndGet() > 1) {
        overlap.incrementAndGet();
      }
      started.countDown();
      try {
        if (runs.incrementAndGet() == 1) {
          release.await();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      running.decrementAndGet();
      twice.countDown();
    })) {
      q.add("k");
      await(started);
      q.add("k");
      q.add("k");
      release.countDown();
      await(twice);
      assertThat(overlap).hasValue(0);
      assertThat(runs).hasValue(2);
    }
  }

  @Test
  void aLaterDelayDoesNotPostponeAnEarlierOne() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    try (WorkQueue<String> q = new WorkQueue<>("t", 1, timer, k -> ran.countDown())) {
      q.addAfter("k", Duration.ofMillis(50));
      q.addAfter("k", Duration.ofHours(1));
      await(ran);
      assertThat(q.depth()).as("the hour-long delay was dropped for the earlier one").isZero();
    }
  }

  @Test
  void closingDropsWhatWaits() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    WorkQueue<String> q = new WorkQueue<>("t", 1, timer, k -> runs.incrementAndGet());
    q.addAfter("later", Duration.ofMillis(100));
    q.close(Duration.ofSeconds(1));
    q.add("after-close");
    assertThat(q.depth()).isZero();
    assertThat(runs).hasValue(0);
  }
}
