package io.fleetfed.cli;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import java.io.PrintWriter;

/** Prints input problems, one line each, on stderr. */
final class Problems {
  private Problems() {}

  /** Prints each violation as {@code error: <source>: <object>: <field>: <reason>} and returns exit code 2. */
  static int report(ValidationException e, PrintWriter err) {
    for (Violation v : e.violations()) {
      err.println("error: " + oneLine(v.toString()));
    }
    err.flush();
    return Main.INVALID_INPUT;
  }

  /** Prints an error line. */
  static void error(PrintWriter err, String message) {
    err.println("error: " + oneLine(message));
  }

  /** Prints a warning line. */
  static void warn(PrintWriter err, String message) {
    err.println("warning: " + oneLine(message));
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }
}
