package io.fleetfed.cli;

import java.util.ArrayList;
import java.util.List;

/** A table as kubectl prints one: upper-case headers, left-aligned columns three spaces apart. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  Table(String... headers) {
    this.columns = headers.length;
    rows.add(headers);
  }

  /** Adds a row; {@code null} and empty cells print as {@code -}. */
  Table row(Object... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException("a row of this table has " + columns + " cells, not " + cells.length);
    }
    String[] row = new String[columns];
    for (int i = 0; i < columns; i++) {
      String text = cells[i] == null ? "" : String.valueOf(cells[i]).replaceAll("\\s*[\\r\\n]+\\s*", " ");
      row[i] = text.isEmpty() ? "-" : text;
    }
    rows.add(row);
    return this;
  }

  /** Whether the table has rows besides its headers. */
  boolean isEmpty() {
    return rows.size() == 1;
  }

  @Override
  public String toString() {
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(row[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 3));
        }
      }
      text.append(line.toString().stripTrailing()).append('\n');
    }
    return text.toString();
  }

  /** {@code True} or {@code False}, as kubectl prints conditions. */
  static String bool(boolean value) {
    return value ? "True" : "False";
  }
}
