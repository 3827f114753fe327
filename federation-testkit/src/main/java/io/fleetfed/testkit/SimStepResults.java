package io.fleetfed.testkit;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the value a Task's step scripts write to a result, when they write a literal: lines such as
 * {@code echo -n "foo" > $(results.x.path)}, {@code printf '%s' ...} excluded, {@code printf "a\n" >> ...} or
 * {@code echo bar | tee $(results.x.path)}, after Tekton's {@code $(params.x)} substitution. {@code echo} without
 * {@code -n} ends the value with a newline, as in a real pod. A line that mentions the result's path in any other
 * way (a command's output, a shell variable, a here-document) makes the value unknown.
 */
final class SimStepResults {

  private static final Pattern WRITE = Pattern.compile(
      "^\\s*(echo|printf)\\s+(-n\\s+)?('([^']*)'|\"((?:[^\"\\\\]|\\\\.)*)\"|([^\\s'\"|>;&]+))\\s*"
      + "(>>|>|\\|\\s*tee\\s+-a|\\|\\s*tee)\\s*\"?\\$\\(results\\.([A-Za-z0-9_.-]+)\\.path\\)\"?\\s*;?\\s*$");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\(([^()]+)\\)");

  /** What the steps write to one result. */
  record Value(boolean written, boolean known, String text, String step) {
    static final Value NONE = new Value(false, true, "", "");
  }

  private SimStepResults() {
  }

  /**
   * The value the steps write to {@code result}.
   *
   * @param steps the Task's steps
   * @param params the TaskRun's params over the Task's defaults, as text
   * @return not written; written and known (the text); or written in a way the simulator cannot read (the step)
   */
  static Value of(List<?> steps, String result, Map<String, String> params) {
    String path = "$(results." + result + ".path)";
    StringBuilder value = new StringBuilder();
    boolean written = false;
    for (int i = 0; i < steps.size(); i++) {
      String script = Json.text(steps.get(i), "script");
      String stepName = Json.text(steps.get(i), "name");
      String step = "spec.steps[" + i + "]" + (stepName.isEmpty() ? "" : " (" + stepName + ")") + ".script";
      boolean mentioned = script.contains(path) || Json.list(Json.at(steps.get(i), "args")).stream()
          .anyMatch(a -> Json.str(a).contains(path)) || Json.list(Json.at(steps.get(i), "command")).stream()
          .anyMatch(a -> Json.str(a).contains(path));
      if (!mentioned) {
        continue;
      }
      written = true;
      for (String line : script.split("\n")) {
        if (!line.contains(path)) {
          continue;
        }
        Optional<String[]> write = write(substitute(line, params), result);
        if (write.isEmpty()) {
          return new Value(true, false, "", step);
        }
        if (write.get()[0].equals("overwrite")) {
          value.setLength(0);
        }
        value.append(write.get()[1]);
      }
      if (!script.contains(path)) {
        return new Value(true, false, "", step.replace(".script", ".args"));
      }
    }
    return written ? new Value(true, true, value.toString(), "") : Value.NONE;
  }

  private static String substitute(String line, Map<String, String> params) {
    Matcher variable = VARIABLE.matcher(line);
    StringBuilder out = new StringBuilder();
    while (variable.find()) {
      String expression = variable.group(1);
      String replacement = variable.group();
      if (expression.startsWith("params.") && params.containsKey(expression.substring(7))) {
        replacement = params.get(expression.substring(7));
      }
      variable.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    variable.appendTail(out);
    return out.toString();
  }

  /** {@code [mode, text]} of a literal write to this result, or empty. */
  private static Optional<String[]> write(String line, String result) {
    Matcher m = WRITE.matcher(line);
    if (!m.matches() || !m.group(8).equals(result)) {
      return Optional.empty();
    }
    boolean echo = m.group(1).equals("echo");
    boolean noNewline = m.group(2) != null;
    String text;
    if (m.group(4) != null) {
      text = m.group(4);
    } else if (m.group(5) != null) {
      if (m.group(5).contains("$") || m.group(5).contains("`")) {
        return Optional.empty(); // shell expansion
      }
      text = m.group(5).replaceAll("\\\\([\"\\\\$`])", "$1");
    } else {
      if (m.group(6).contains("$") || m.group(6).contains("`") || m.group(6).contains("*")) {
        return Optional.empty();
      }
      text = m.group(6);
    }
    if (!echo) {
      if (noNewline || text.replace("%%", "").contains("%")) {
        return Optional.empty(); // printf -n is no option; formats with arguments are not read
      }
      text = text.replace("\\n", "\n").replace("\\t", "\t").replace("%%", "%");
      if (text.contains("\\")) {
        return Optional.empty();
      }
    } else if (!noNewline) {
      text = text + "\n";
    }
    String mode = m.group(7).equals(">") || m.group(7).matches("\\|\\s*tee") ? "overwrite" : "append";
    return Optional.of(new String[] {mode, text});
  }
}
