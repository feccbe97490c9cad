package dev.macaque.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.auth.Principal;
import dev.macaque.auth.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DashboardSessionsTest {
    private Instant now = Instant.parse("2026-03-02T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final Principal alice = new Principal("tok_a", "alice", Role.OPERATOR);

    @Test
    void aSessionIsFoundByItsCookieValueUntilItExpires() {
        DashboardSessions sessions = new DashboardSessions(clock, Duration.ofHours(8));
        DashboardSessions.Started started = sessions.start(alice);

        assertThat(sessions.find(started.cookieValue())).hasValueSatisfying(s -> assertThat(s.principal()).isEqualTo(alice));
        now = now.plus(Duration.ofHours(8));
        assertThat(sessions.find(started.cookieValue())).isEmpty();
        assertThat(sessions.size()).isZero();
    }

    @Test
    void onlyTheHashOfTheCookieValueIsKept() {
        DashboardSessions sessions = new DashboardSessions(clock, Duration.ofHours(1));
        DashboardSessions.Started started = sessions.start(alice);

        assertThat(started.session().idHash()).isNotEqualTo(started.cookieValue()).hasSize(64);
        assertThat(sessions.find(started.session().idHash())).isEmpty();
    }

    @Test
    void endingASessionSignsItOutAndEveryStartHasItsOwnCsrfToken() {
        DashboardSessions sessions = new DashboardSessions(clock, Duration.ofHours(1));
        DashboardSessions.Started first = sessions.start(alice);
        DashboardSessions.Started second = sessions.start(alice);

        assertThat(first.session().csrfToken()).isNotEqualTo(second.session().csrfToken());
        assertThat(sessions.end(first.session())).isTrue();
        assertThat(sessions.find(first.cookieValue())).isEmpty();
        assertThat(sessions.find(second.cookieValue())).isPresent();
        sessions.endAllOf("tok_a");
        assertThat(sessions.find(second.cookieValue())).isEmpty();
    }

    @Test
    void aFullStoreMakesRoomByEndingTheSessionClosestToExpiry() {
        DashboardSessions sessions = new DashboardSessions(clock, Duration.ofHours(1));
        DashboardSessions.Started oldest = sessions.start(alice);
        now = now.plusSeconds(1);
        for (int i = 1; i < DashboardSessions.MAX_SESSIONS; i++) {
            sessions.start(alice);
        }
        DashboardSessions.Started newest = sessions.start(alice);

        assertThat(sessions.size()).isEqualTo(DashboardSessions.MAX_SESSIONS);
        assertThat(sessions.find(oldest.cookieValue())).isEmpty();
        assertThat(sessions.find(newest.cookieValue())).isPresent();
    }

    @Test
    void csrfTokensAreComparedWhole() {
        assertThat(DashboardSessions.sameSecret("abc", "abc")).isTrue();
        assertThat(DashboardSessions.sameSecret("abc", "ab")).isFalse();
        assertThat(DashboardSessions.sameSecret("abc", null)).isFalse();
    }
}
