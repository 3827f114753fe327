package io.fleetfed.testkit;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a run simulated by {@link TektonSimulator} behaves: how long it stays unstarted, how long it runs, whether
 * it succeeds (with which results) or fails (with which reason and message), and what its steps log. Immutable and
 * null-free; the {@code with...} methods return changed copies.
 *
 * <pre>{@code
 * RunScript.succeeds();                                         // the default: succeeds at once
 * RunScript.succeedsAfter(Duration.ofMillis(200))
 *     .withStartDelay(Duration.ofMillis(100))                   // Pending for 100 ms, then Started/Running
 *     .withResults(Map.of("digest", "sha256:0123"))             // status.results (v1) / taskResults (v1beta1)
 *     .withLog("build", "compiling...\ndone\n");                // container step-build of the pod
 * RunScript.failsAfter(Duration.ofSeconds(1), "Failed", "\"step-test\" exited with code 1");
 * RunScript.runsForever();                                      // Running until cancelled or timed out
 * }</pre>
 *
 * <p>For a PipelineRun only the start delay and the results count: its outcome follows its child TaskRuns.
 */
public final class RunScript {

  private static final RunScript SUCCEEDS = new RunScript(Duration.ZERO, true, false, "", "", Duration.ZERO,
      Map.of(), Map.of(), 0);

  private final Duration duration;
  private final boolean succeed;
  private final boolean forever;
  private final String reason;
  private final String message;
  private final Duration startDelay;
  private final Map<String, String> results;
  private final Map<String, String> logs;
  private final int failedAttempts;

  private RunScript(Duration duration, boolean succeed, boolean forever, String reason, String message,
      Duration startDelay, Map<String, String> results, Map<String, String> logs, int failedAttempts) {
    this.failedAttempts = failedAttempts;
    this.duration = duration;
    this.succeed = succeed;
    this.forever = forever;
    this.reason = reason;
    this.message = message;
    this.startDelay = startDelay;
    this.results = results;
    this.logs = logs;
  }

  /**
   * A run that succeeds as soon as it has started.
   *
   * @return the script
   */
  public static RunScript succeeds() {
    return SUCCEEDS;
  }

  /**
   * A run that succeeds after running for {@code duration}.
   *
   * @param duration zero or more
   * @return the script
   * @throws IllegalArgumentException if negative
   */
  public static RunScript succeedsAfter(Duration duration) {
    return new RunScript(check(duration, "duration"), true, false, "", "", Duration.ZERO, Map.of(), Map.of(), 0);
  }

  /**
   * A run that fails after running for {@code duration}: condition {@code Succeeded} False with this reason and
   * message, its last step terminated with exit code 1.
   *
   * @param duration zero or more
   * @param reason a Tekton reason such as {@code Failed} or {@code StepFailed}
   * @param message the condition's message
   * @return the script
   * @throws IllegalArgumentException if the duration is negative or the reason blank
   */
  public static RunScript failsAfter(Duration duration, String reason, String message) {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    if (reason.isBlank()) {
      throw new IllegalArgumentException("a failing run needs a reason, such as Failed");
    }
    return new RunScript(check(duration, "duration"), false, false, reason, message, Duration.ZERO, Map.of(),
        Map.of(), 0);
  }

  /**
   * A run that stays Running until it is cancelled or times out.
   *
   * @return the script
   */
  public static RunScript runsForever() {
    return new RunScript(Duration.ZERO, true, true, "", "", Duration.ZERO, Map.of(), Map.of(), 0);
  }

  /**
   * This script, staying unstarted (condition Unknown/{@code Pending}, no pod) for {@code delay} before it starts.
   * The run's timeout counts from when the simulator picked it up, so it includes the delay.
   *
   * @param delay zero or more
   * @return a changed copy
   * @throws IllegalArgumentException if negative
   */
  public RunScript withStartDelay(Duration delay) {
    return new RunScript(duration, succeed, forever, reason, message, check(delay, "start delay"), results, logs,
        failedAttempts);
  }

  /**
   * This script, writing these string results when the run succeeds (replacing any given before).
   *
   * @param results result names and values, in the order to write them
   * @return a changed copy
   * @throws IllegalArgumentException if a name is blank
   */
  public RunScript withResults(Map<String, String> results) {
    Objects.requireNonNull(results, "results");
    Map<String, String> copy = new LinkedHashMap<>();
    results.forEach((name, value) -> {
      if (Objects.requireNonNull(name, "result name").isBlank()) {
        throw new IllegalArgumentException("a result name must not be blank");
      }
      copy.put(name, Objects.requireNonNull(value, "the value of result " + name));
    });
    return new RunScript(duration, succeed, forever, reason, message, startDelay,
        Collections.unmodifiableMap(copy), logs, failedAttempts);
  }

  /**
   * This script, with {@code text} as the log of step {@code step} (container {@code step-<step>}), replacing any
   * given before for that step. A TaskRun whose Task has no known steps (a remote resolver, a Task without steps)
   * gets one step per logged step, in the order they were given.
   *
   * @param step the step's name as in the Task ({@code unnamed-<i>} for an unnamed step)
   * @param text the log text; end it with a newline
   * @return a changed copy
   * @throws IllegalArgumentException if the step name is blank
   */
  public RunScript withLog(String step, String text) {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(text, "text");
    if (step.isBlank()) {
      throw new IllegalArgumentException("a step name must not be blank");
    }
    Map<String, String> copy = new LinkedHashMap<>(logs);
    copy.put(step, text);
    return new RunScript(duration, succeed, forever, reason, message, startDelay,
        results, Collections.unmodifiableMap(copy), failedAttempts);
  }

  /**
   * This script, failing its first {@code attempts} attempts before it behaves as scripted: with {@code retries}
   * on the TaskRun (or on its pipeline task), each failed attempt is kept in {@code status.retriesStatus} and the
   * TaskRun tried again, so {@code RunScript.succeeds().withFailedAttempts(2)} with {@code retries: 2} succeeds on
   * the third attempt and with {@code retries: 1} fails. A failed attempt ends False/{@code Failed}, its last step
   * exiting with code 1, its message {@code attempt <n> failed as scripted}.
   *
   * @param attempts zero or more
   * @return a changed copy
   * @throws IllegalArgumentException if negative
   */
  public RunScript withFailedAttempts(int attempts) {
    if (attempts < 0) {
      throw new IllegalArgumentException("the failed attempts must not be negative: " + attempts);
    }
    return new RunScript(duration, succeed, forever, reason, message, startDelay, results, logs, attempts);
  }

  /**
   * How many attempts fail before the script's own outcome.
   *
   * @return zero unless {@link #withFailedAttempts} was given
   */
  public int failedAttempts() {
    return failedAttempts;
  }

  /**
   * How long the run runs before it ends (zero when it {@link #forever() runs forever}).
   *
   * @return the duration
   */
  public Duration duration() {
    return duration;
  }

  /**
   * Whether the run succeeds when its duration has passed.
   *
   * @return true for {@link #succeeds()}, {@link #succeedsAfter} and {@link #runsForever()}
   */
  public boolean succeed() {
    return succeed;
  }

  /**
   * Whether the run never ends by itself.
   *
   * @return true for {@link #runsForever()}
   */
  public boolean forever() {
    return forever;
  }

  /**
   * The reason a failing run ends with.
   *
   * @return the reason, empty unless the script fails
   */
  public String reason() {
    return reason;
  }

  /**
   * The message a failing run ends with.
   *
   * @return the message, empty unless the script fails
   */
  public String message() {
    return message;
  }

  /**
   * How long the run stays unstarted.
   *
   * @return the delay, zero by default
   */
  public Duration startDelay() {
    return startDelay;
  }

  /**
   * The results written on success.
   *
   * @return an immutable map, in order
   */
  public Map<String, String> results() {
    return results;
  }

  /**
   * The step logs given with {@link #withLog}.
   *
   * @return an immutable map from step name to text, in order
   */
  public Map<String, String> logs() {
    return logs;
  }

  /**
   * The log given for one step.
   *
   * @param step the step's name
   * @return the text, if given
   */
  public Optional<String> log(String step) {
    return Optional.ofNullable(logs.get(step));
  }

  private static Duration check(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative()) {
      throw new IllegalArgumentException("the " + what + " must not be negative: " + d);
    }
    return d;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof RunScript)) {
      return false;
    }
    RunScript other = (RunScript) o;
    return succeed == other.succeed && forever == other.forever && duration.equals(other.duration)
        && reason.equals(other.reason) && message.equals(other.message) && startDelay.equals(other.startDelay)
        && results.equals(other.results) && logs.equals(other.logs) && failedAttempts == other.failedAttempts;
  }

  @Override
  public int hashCode() {
    return Objects.hash(duration, succeed, forever, reason, message, startDelay, results, logs, failedAttempts);
  }

  @Override
  public String toString() {
    String outcome = forever ? "runsForever" : succeed ? "succeedsAfter(" + duration + ")"
        : "failsAfter(" + duration + ", " + reason + ", " + message + ")";
    return "RunScript[" + outcome + (startDelay.isZero() ? "" : ", startDelay " + startDelay)
        + (results.isEmpty() ? "" : ", results " + results.keySet())
        + (logs.isEmpty() ? "" : ", logs of " + logs.keySet())
        + (failedAttempts == 0 ? "" : ", " + failedAttempts + " failed attempts") + "]";
  }
}
