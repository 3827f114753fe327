package io.fleetfed.core.fleet.internal.members;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.core.cluster.ClusterRequestException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutageTest {
  private static final ClusterRequestException TIMEOUT = new ClusterRequestException("m4", 0, true, "timed out");
  private static final ClusterRequestException WEBHOOK = new ClusterRequestException("m4", 500, false,
      "admission webhook denied");

  @Test
  void aFailureOfTheMemberBlocksTheRestOfItsCallWhateverAnswersMeanwhile() {
    Outage outage = new Outage(Duration.ofHours(1));
    long before = System.nanoTime();
    outage.failed(7, TIMEOUT);

    outage.answered(before);          // a request of before the failure, answered late
    outage.answered(System.nanoTime());   // another call's request, answered after it

    assertThat(outage.permit(7).blockedBy()).contains(TIMEOUT);
    assertThat(outage.permit(8).blockedBy()).as("another call tries the member again").isEmpty();
  }

  @Test
  void aFailureOfOneObjectIsNotTheMembers() {
    Outage outage = new Outage(Duration.ofHours(1));
    outage.failed(7, WEBHOOK);
    outage.failed(Outage.BACKGROUND, new ClusterRequestException("m4", 409, false, "conflict"));

    assertThat(outage.permit(7).blockedBy()).isEmpty();
    assertThat(outage.permit(Outage.BACKGROUND).blockedBy()).isEmpty();
    assertThat(Outage.isMemberFailure(new ClusterRequestException("m4", 503, false, "unavailable"))).isTrue();
  }

  @Test
  void theBackgroundWaitsTheQuietPeriodThenSendsOneTrialWhichIsReleasedWhateverHappens() {
    Outage outage = new Outage(Duration.ZERO);
    outage.failed(Outage.BACKGROUND, TIMEOUT);

    Outage.Permit trial = outage.permit(Outage.BACKGROUND);
    assertThat(trial.trial()).isTrue();
    assertThat(outage.permit(Outage.BACKGROUND).blockedBy()).as("while the trial is out").contains(TIMEOUT);

    outage.release(trial);   // the trial ended without an answer or a failure of the member
    assertThat(outage.permit(Outage.BACKGROUND).trial()).as("another trial may go").isTrue();
  }

  @Test
  void onlyAnAnswerToARequestSentAfterTheFailureEndsItInTheBackground() {
    Outage outage = new Outage(Duration.ofHours(1));
    long sentBefore = System.nanoTime();
    outage.failed(Outage.BACKGROUND, TIMEOUT);

    outage.answered(sentBefore);
    assertThat(outage.blocking(Outage.BACKGROUND)).contains(TIMEOUT);

    outage.answered(System.nanoTime());
    assertThat(outage.blocking(Outage.BACKGROUND)).isEmpty();
  }
}
