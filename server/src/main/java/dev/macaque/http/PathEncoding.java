package dev.macaque.http;

import java.util.List;

/**
 * Checks the percent-encoding of a request path before routing: {@code %} must be followed by two hex digits.
 * Without this check a path such as {@code /api/v1/experiments/%u002e} reaches a handler, whose path-parameter
 * decoding throws, and the client gets a 500.
 */
final class PathEncoding {
    private PathEncoding() {
    }

    /** Throws a 400 problem naming the first malformed escape in {@code rawPath}. */
    static void check(String rawPath) {
        if (rawPath == null) {
            return;
        }
        for (int i = rawPath.indexOf('%'); i >= 0; i = rawPath.indexOf('%', i + 1)) {
            if (i + 2 >= rawPath.length() || !isHex(rawPath.charAt(i + 1)) || !isHex(rawPath.charAt(i + 2))) {
                String escape = rawPath.substring(i, Math.min(rawPath.length(), i + 6));
                throw new ProblemException(400, ProblemException.VALIDATION, "the request path has a malformed percent-escape '"
                        + escape + "' at position " + i + ": '%' must be followed by two hexadecimal digits",
                        List.of(new Problem.FieldError("path", "malformed percent-escape '" + escape + "'")));
            }
        }
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
