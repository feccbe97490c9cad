package dev.macaque.experiments;

import dev.macaque.plugin.ProviderInstances;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.Instance;
import dev.macaque.spi.LifecycleState;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.VmGroup;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds out what became of a termination whose outcome a crash left unknown, by asking its provider for the instance —
 * never by terminating again. Gone or terminating is {@code TERMINATED}; still a member in any other state is
 * {@code NOT_TERMINATED}; a provider that cannot answer is {@code UNKNOWN}, asked again later.
 */
public final class TerminationReconciler {
    /** What the provider says of one termination. */
    public record Reconciliation(String outcome, String detail) {
        public static final String TERMINATED = "TERMINATED";
        public static final String NOT_TERMINATED = "NOT_TERMINATED";
        public static final String UNKNOWN = "UNKNOWN";

        public boolean known() {
            return !outcome.equals(UNKNOWN);
        }
    }

    private final ProviderInstances providers;

    public TerminationReconciler(ProviderInstances providers) {
        this.providers = Objects.requireNonNull(providers, "providers is null");
    }

    public Reconciliation check(GroupRef group, String instanceId) {
        Optional<CloudProvider> provider = providers.byId(group.provider()).flatMap(p -> p.providerIfReady());
        if (provider.isEmpty()) {
            return new Reconciliation(Reconciliation.UNKNOWN, "provider " + group.provider() + " is not available to ask");
        }
        VmGroup described;
        try {
            described = provider.get().describeGroup(group);
        } catch (ProviderException e) {
            if (e.kind() == ProviderException.Kind.NOT_FOUND) {
                return new Reconciliation(Reconciliation.TERMINATED, "reconciled: group " + group + " no longer exists");
            }
            return new Reconciliation(Reconciliation.UNKNOWN, "could not ask " + group.provider() + ": " + e.kind() + ": "
                    + e.getMessage());
        } catch (RuntimeException e) {
            return new Reconciliation(Reconciliation.UNKNOWN, "could not ask " + group.provider() + ": " + e);
        }
        for (Instance member : described.instances()) {
            if (member.id().equals(instanceId)) {
                if (member.state() == LifecycleState.TERMINATING) {
                    return new Reconciliation(Reconciliation.TERMINATED, "reconciled: the provider shows " + instanceId
                            + " terminating");
                }
                return new Reconciliation(Reconciliation.NOT_TERMINATED, "reconciled: " + instanceId + " is still a member of "
                        + group + " (" + member.state() + (member.healthy() ? ", healthy" : "") + ")");
            }
        }
        return new Reconciliation(Reconciliation.TERMINATED, "reconciled: " + instanceId + " is no longer a member of " + group);
    }
}
