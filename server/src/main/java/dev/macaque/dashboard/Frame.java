package dev.macaque.dashboard;

import dev.macaque.auth.Role;
import dev.macaque.auth.Scope;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.killswitch.KillSwitchState;

/**
 * What every page's layout shows around its content: the title, where in the navigation it is, who is signed in and
 * what their role lets them do, the server's mode (leashed or unleashed, on every page: the most important safety fact),
 * the kill switch (a banner on every page while engaged), and a notice.
 *
 * @param viewer     null on the sign-in page
 * @param killSwitch null when nobody is signed in
 * @param notice     a message about the last action, or null
 */
public record Frame(String title, Section section, Viewer viewer, Assets.Urls assets, KillSwitchState killSwitch, String notice,
        MacaqueConfig.Mode mode) {

    /** The navigation's entries. */
    public enum Section {
        OVERVIEW, FLEET, EXPERIMENTS, NEW_EXPERIMENT, SCHEDULES, AUDIT, SIMULATIONS, SCORECARD, DOCS, SIGN_IN
    }

    /**
     * The signed-in user.
     *
     * @param csrfToken carried by every form that changes something
     * @param scope     the team scope it acts within ({@link Scope#ALL}: unscoped)
     */
    public record Viewer(String name, Role role, String csrfToken, Scope scope) {
        public Viewer {
            scope = scope == null ? Scope.ALL : scope;
        }

        public Viewer(String name, Role role, String csrfToken) {
            this(name, role, csrfToken, Scope.ALL);
        }

        public boolean canOperate() {
            return role.includes(Role.OPERATOR);
        }

        public boolean canAdmin() {
            return role.includes(Role.ADMIN);
        }

        /** {@code operator}, or {@code operator · team=payments} for a scoped user. */
        public String roleName() {
            return scope.unscoped() ? role.wireName() : role.wireName() + " · " + scope;
        }
    }

    public boolean leashed() {
        return mode == MacaqueConfig.Mode.LEASHED;
    }

    /** What the mode means, in one sentence. */
    public String modeMeaning() {
        return leashed() ? "Leashed: every real cloud is forced to dry runs; only the simulated cloud terminates instances."
                : "Unleashed: experiments and schedules terminate instances on every configured cloud.";
    }

    public boolean signedIn() {
        return viewer != null;
    }

    public boolean killSwitchEngaged() {
        return killSwitch != null && killSwitch.engaged();
    }
}
