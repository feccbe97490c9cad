package dev.macaque.audit;

import java.time.Instant;

/**
 * One line of the audit trail.
 *
 * @param id      increasing; the paging cursor
 * @param at      when
 * @param actor   who: a token as {@code name (id)}, {@code anonymous} or {@code system}
 * @param role    the actor's role, if known
 * @param action  what, e.g. {@code experiment.create}, {@code killswitch.engage}, {@code auth.denied}, {@code instance.terminate}
 * @param target  on what, e.g. a run id or a group
 * @param source  from where: the client address, or {@code engine}
 * @param outcome {@code ok}, {@code denied}, {@code unauthenticated}, {@code failed}, ...
 * @param detail  anything else worth keeping; never secrets
 */
public record AuditEntry(long id, Instant at, String actor, String role, String action, String target, String source,
        String outcome, String detail) {
}
