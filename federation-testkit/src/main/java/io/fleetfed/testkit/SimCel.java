package io.fleetfed.testkit;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of CEL the simulator evaluates in {@code when} expressions, once Tekton's variables are substituted:
 * comparisons ({@code ==}, {@code !=}) of string, number and boolean literals, {@code true}, {@code false},
 * {@code !}, {@code &&}, {@code ||} and parentheses. Anything else (functions, {@code in}, lists, {@code <}...)
 * throws {@link SimUnsupported}.
 */
final class SimCel {

  private final String source;
  private final String where;
  private final List<Object> tokens = new ArrayList<>();
  private int position;

  private enum Op { LPAREN, RPAREN, AND, OR, NOT, EQ, NE }

  private SimCel(String source, String where) {
    this.source = source;
    this.where = where;
  }

  /**
   * Evaluates a substituted CEL expression.
   *
   * @param expression the expression, such as {@code 'main' == 'main' && 'x' != 'y'}
   * @param where the field path, for the message
   * @throws SimUnsupported if it is not a plain comparison the simulator evaluates
   */
  static boolean evaluate(String expression, String where) {
    SimCel cel = new SimCel(expression, where);
    cel.tokenize();
    if (cel.tokens.isEmpty()) {
      throw cel.unsupported();
    }
    Object value = cel.or();
    if (cel.position != cel.tokens.size() || !(value instanceof Boolean)) {
      throw cel.unsupported();
    }
    return (Boolean) value;
  }

  private SimUnsupported unsupported() {
    return new SimUnsupported("CEL expression \"" + source + "\" at " + where
        + " is beyond the plain comparisons the simulator evaluates (==, != of literals, !, &&, ||)");
  }

  private void tokenize() {
    int i = 0;
    String s = source;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '(' || c == ')') {
        tokens.add(c == '(' ? Op.LPAREN : Op.RPAREN);
        i++;
      } else if (s.startsWith("&&", i)) {
        tokens.add(Op.AND);
        i += 2;
      } else if (s.startsWith("||", i)) {
        tokens.add(Op.OR);
        i += 2;
      } else if (s.startsWith("==", i)) {
        tokens.add(Op.EQ);
        i += 2;
      } else if (s.startsWith("!=", i)) {
        tokens.add(Op.NE);
        i += 2;
      } else if (c == '!') {
        tokens.add(Op.NOT);
        i++;
      } else if (c == '\'' || c == '"') {
        StringBuilder text = new StringBuilder();
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != c) {
          if (s.charAt(j) == '\\') {
            if (j + 1 >= s.length() || "\\'\"".indexOf(s.charAt(j + 1)) < 0) {
              throw unsupported(); // other escapes are not read
            }
            j++;
          }
          text.append(s.charAt(j));
          j++;
        }
        if (j >= s.length()) {
          throw unsupported();
        }
        tokens.add(text.toString());
        i = j + 1;
      } else if (Character.isDigit(c) || (c == '-' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
        int j = i + 1;
        while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '.')) {
          j++;
        }
        try {
          tokens.add(new BigDecimal(s.substring(i, j)));
        } catch (NumberFormatException e) {
          throw unsupported();
        }
        i = j;
      } else if (s.startsWith("true", i) && !identifierAt(s, i + 4)) {
        tokens.add(Boolean.TRUE);
        i += 4;
      } else if (s.startsWith("false", i) && !identifierAt(s, i + 5)) {
        tokens.add(Boolean.FALSE);
        i += 5;
      } else {
        throw unsupported();
      }
    }
  }

  private static boolean identifierAt(String s, int i) {
    return i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '.');
  }

  private Object peek() {
    return position < tokens.size() ? tokens.get(position) : null;
  }

  private Object or() {
    Object left = and();
    while (peek() == Op.OR) {
      position++;
      Object right = and();
      left = bool(left) | bool(right);
    }
    return left;
  }

  private Object and() {
    Object left = unary();
    while (peek() == Op.AND) {
      position++;
      Object right = unary();
      left = bool(left) & bool(right);
    }
    return left;
  }

  private Object unary() {
    if (peek() == Op.NOT) {
      position++;
      return !bool(unary());
    }
    Object left = primary();
    Object op = peek();
    if (op == Op.EQ || op == Op.NE) {
      position++;
      Object right = primary();
      boolean equal;
      if (left instanceof BigDecimal && right instanceof BigDecimal) {
        equal = ((BigDecimal) left).compareTo((BigDecimal) right) == 0;
      } else if (left.getClass() == right.getClass()) {
        equal = left.equals(right);
      } else {
        throw unsupported(); // CEL has no overload for mixed types: an evaluation error in Tekton
      }
      return op == Op.EQ ? equal : !equal;
    }
    return left;
  }

  private Object primary() {
    Object token = peek();
    if (token == null) {
      throw unsupported();
    }
    position++;
    if (token == Op.LPAREN) {
      Object inner = or();
      if (peek() != Op.RPAREN) {
        throw unsupported();
      }
      position++;
      return inner;
    }
    if (token instanceof Op) {
      throw unsupported();
    }
    return token;
  }

  private boolean bool(Object value) {
    if (!(value instanceof Boolean)) {
      throw unsupported();
    }
    return (Boolean) value;
  }
}
