package dev.macaque.dashboard;

import dev.macaque.auth.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server-side dashboard sessions: a sign-in exchanges an API token for a random session id (the cookie's value) that
 * expires after {@code timeout}; signing out ends it. Only the id's SHA-256 is kept as the key, and the token's
 * secret is never kept at all, only who it names. Sessions live in this server's memory, at most {@link #MAX_SESSIONS}:
 * a restart signs everyone out, and when full the session closest to expiry makes room.
 */
public final class DashboardSessions {
    public static final int MAX_SESSIONS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final Duration timeout;
    private final Map<String, Session> byHash = new ConcurrentHashMap<>();

    public DashboardSessions(Clock clock, Duration timeout) {
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.timeout = Objects.requireNonNull(timeout, "timeout is null");
    }

    /**
     * One signed-in browser.
     *
     * @param csrfToken what every state-changing request of this session must carry (form field or header)
     */
    public record Session(String idHash, Principal principal, String csrfToken, Instant expiresAt) {
    }

    /** A new session and the secret id its cookie carries (never stored). */
    public record Started(String cookieValue, Session session) {
    }

    public Duration timeout() {
        return timeout;
    }

    public Started start(Principal principal) {
        String id = random();
        Session session = new Session(hash(id), principal, random(), clock.instant().plus(timeout));
        synchronized (this) {
            if (byHash.size() >= MAX_SESSIONS) {
                Instant now = clock.instant();
                byHash.values().removeIf(s -> !s.expiresAt().isAfter(now));
            }
            if (byHash.size() >= MAX_SESSIONS) {
                byHash.values().stream().min(Comparator.comparing(Session::expiresAt)).ifPresent(s -> byHash.remove(s.idHash()));
            }
            byHash.put(session.idHash(), session);
        }
        return new Started(id, session);
    }

    /** The live session whose cookie value is {@code cookieValue}; an expired one is removed and not returned. */
    public Optional<Session> find(String cookieValue) {
        if (cookieValue == null || cookieValue.isEmpty() || cookieValue.length() > 100) {
            return Optional.empty();
        }
        String key = hash(cookieValue);
        Session session = byHash.get(key);
        if (session == null) {
            return Optional.empty();
        }
        if (!session.expiresAt().isAfter(clock.instant())) {
            byHash.remove(key);
            return Optional.empty();
        }
        return Optional.of(session);
    }

    /** Whether the session is still there (not signed out, not expired). */
    public boolean isLive(Session session) {
        Session current = byHash.get(session.idHash());
        return current != null && current.expiresAt().isAfter(clock.instant());
    }

    /** Ends the session; false when there was none. */
    public boolean end(Session session) {
        return byHash.remove(session.idHash()) != null;
    }

    /** Ends every session of the token {@code tokenId} (it was revoked). */
    public void endAllOf(String tokenId) {
        byHash.values().removeIf(s -> s.principal().tokenId().equals(tokenId));
    }

    public int size() {
        return byHash.size();
    }

    /** Compares in constant time, so that a CSRF token cannot be guessed byte by byte from response times. */
    public static boolean sameSecret(String expected, String given) {
        if (expected == null || given == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String hash(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JRE", e);
        }
    }
}
