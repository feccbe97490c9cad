package dev.macaque.auth.oidc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Sign-ins sent to the provider and not back yet, by their {@code state}. Each is taken at most once (a replayed
 * callback finds nothing), only by the browser that started it (its binding cookie's hash must match), and only
 * within {@link #LIFETIME}. At most {@link #MAX_PENDING} are kept; the oldest make room.
 */
final class PendingSignIns {
    static final int MAX_PENDING = 10_000;
    static final Duration LIFETIME = Duration.ofMinutes(10);

    /**
     * @param codeVerifier the PKCE secret, sent only with the code exchange
     * @param redirectUri  the callback the authorization request named (the code exchange must name it again)
     * @param next         where the browser goes once signed in
     */
    record Pending(String nonce, String codeVerifier, String redirectUri, String next, String bindingHash, Instant expiresAt) {
    }

    private final Clock clock;
    private final Map<String, Pending> byState = new LinkedHashMap<>();

    PendingSignIns(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    synchronized void put(String state, String nonce, String codeVerifier, String redirectUri, String next, String binding) {
        Instant now = clock.instant();
        byState.values().removeIf(p -> !p.expiresAt().isAfter(now));
        while (byState.size() >= MAX_PENDING) {
            byState.remove(byState.keySet().iterator().next());
        }
        byState.put(state, new Pending(nonce, codeVerifier, redirectUri, next, hash(binding), now.plus(LIFETIME)));
    }

    /** Removes and returns the sign-in of {@code state} when {@code binding} is the browser's that started it and it is live. */
    synchronized Optional<Pending> take(String state, String binding) {
        if (state == null || binding == null) {
            return Optional.empty();
        }
        Pending pending = byState.get(state);
        if (pending == null || !MessageDigest.isEqual(pending.bindingHash().getBytes(StandardCharsets.UTF_8),
                hash(binding).getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        byState.remove(state);
        return pending.expiresAt().isAfter(clock.instant()) ? Optional.of(pending) : Optional.empty();
    }

    synchronized int size() {
        return byState.size();
    }

    private static String hash(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JRE", e);
        }
    }
}
