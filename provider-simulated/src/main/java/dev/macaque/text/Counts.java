package dev.macaque.text;

/**
 * The one way a count reads in a sentence: {@code 1 victim}, {@code 3 victims}, {@code 0 terminations} — never
 * {@code 1 kills} or {@code 1 termination(s)}.
 */
public final class Counts {
    private Counts() {
    }

    /** {@code count} and the noun, plural by adding {@code s} unless the count is exactly one. */
    public static String of(long count, String singular) {
        return of(count, singular, singular + "s");
    }

    /** {@code count} and the noun, for nouns whose plural is not {@code singular + "s"} ({@code 2 proxies}). */
    public static String of(long count, String singular, String plural) {
        return count + " " + (count == 1 ? singular : plural);
    }

    /** The noun alone as the count needs it: {@code was}/{@code were} and the like, without the number. */
    public static String noun(long count, String singular, String plural) {
        return count == 1 ? singular : plural;
    }
}
