package dev.macaque.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque paging cursors: clients pass back what they got in {@code nextCursor}. */
public final class Cursors {
    private Cursors() {
    }

    public static String encode(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    /** The position inside {@code cursor}; a 400 problem when it was not made by {@link #encode(String)}. */
    public static String decode(String cursor, String prefix) {
        try {
            String position = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!position.startsWith(prefix)) {
                throw new IllegalArgumentException();
            }
            return position.substring(prefix.length());
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, ProblemException.VALIDATION, "cursor is not valid: pass back the nextCursor of a previous page",
                    java.util.List.of(new Problem.FieldError("cursor", "not a cursor returned by this API")));
        }
    }

    /** {@code limit} query parameter: default {@code fallback}, 1..{@code max}. */
    public static int limit(String text, int fallback, int max) {
        if (text == null) {
            return fallback;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ProblemException(400, ProblemException.VALIDATION, "limit must be an integer from 1 to " + max + ", was '" + text + "'",
                java.util.List.of(new Problem.FieldError("limit", "must be an integer from 1 to " + max)));
    }
}
