package io.fleetfed.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/**
 * Writes {@code docs/cli.md}, the command-line reference, from the commands' own picocli definitions: each command's
 * usage help, as {@code fleetfed COMMAND --help} prints it, under a heading, in the order the commands are declared.
 * Fixed at {@value #WIDTH} columns and without colours, so that neither the terminal (nor
 * {@code -Dpicocli.usage.width}) nor the jar's version changes it; {@code CliReferenceTest} fails when the committed file differs from it.
 */
final class CliReference {
  /** The usage help's width in the reference, whatever the terminal's. */
  static final int WIDTH = 100;
  /** The command that writes the reference anew. */
  static final String UPDATE = "mvn -o -q -B -pl federation-cli -am test -Djapicmp.skip=true -Dfleetfed.envtest.skip"
      + " -Dtest=CliReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -Dfleetfed.cli-docs.update=true";

  private CliReference() {}

  /**
   * The reference of fleetfed's commands, as markdown. picocli's {@code picocli.usage.width} system property, which
   * wins over the width set here, is set aside meanwhile.
   */
  static synchronized String markdown() {
    String width = System.clearProperty("picocli.usage.width");
    try {
      return generate();
    } finally {
      if (width != null) {
        System.setProperty("picocli.usage.width", width);
      }
    }
  }

  private static String generate() {
    CommandLine root = new CommandLine(new Main());
    root.setUsageHelpAutoWidth(false);
    root.setUsageHelpWidth(WIDTH);
    StringBuilder md = new StringBuilder();
    md.append("# fleetfed command reference\n\n")
        .append("<!-- Generated from the commands' definitions by CliReference (federation-cli tests): do not edit.\n")
        .append("     Regenerate with: ").append(UPDATE).append(" -->\n\n")
        .append("Every command also answers `-h` and `--help` with the text below. Commands:\n\n");
    List<CommandLine> all = new ArrayList<>();
    collect(root, all);
    for (CommandLine c : all) {
      String name = c.getCommandSpec().qualifiedName();
      md.append("- [`").append(name).append("`](#").append(anchor(name)).append(")\n");
    }
    for (CommandLine c : all) {
      md.append("\n## ").append(c.getCommandSpec().qualifiedName()).append("\n\n```text\n")
          .append(usage(c)).append("```\n");
    }
    return md.toString();
  }

  /** {@code c} and its commands, depth first, as declared; hidden ones left out. */
  private static void collect(CommandLine c, List<CommandLine> into) {
    into.add(c);
    c.getSubcommands().values().stream().distinct()
        .filter(sub -> !sub.getCommandSpec().usageMessage().hidden())
        .forEach(sub -> collect(sub, into));
  }

  /** The usage help without trailing blanks, ending in one newline. */
  private static String usage(CommandLine c) {
    StringBuilder text = new StringBuilder();
    for (String line : c.getUsageMessage(Ansi.OFF).split("\\R", -1)) {
      text.append(line.stripTrailing()).append('\n');
    }
    return text.toString().stripTrailing() + "\n";
  }

  /** GitHub's heading anchor: lower case, spaces to dashes, other punctuation dropped. */
  private static String anchor(String heading) {
    return heading.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
  }
}
