package dev.macaque.plugin;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.DescribedGroups;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.ListedGroups;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.VmGroup;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs every call into a provider with the provider's class loader as the thread's context class loader (SDKs look
 * up services through it), and turns anything that is not a {@link ProviderException} into one, so that a plugin's
 * bug cannot surface as an unexpected exception in the engine.
 */
final class ClassLoaderSafeCloudProvider implements CloudProvider {
    private final CloudProvider delegate;
    private final ClassLoader loader;

    ClassLoaderSafeCloudProvider(CloudProvider delegate, ClassLoader loader) {
        this.delegate = delegate;
        this.loader = loader;
    }

    private <T> T call(String operation, Supplier<T> body) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return body.get();
        } catch (ProviderException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new ProviderException(ProviderException.Kind.UNAVAILABLE,
                    "provider '" + delegate.id() + "' failed in " + operation + ": " + e, e, false, null);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public String type() {
        return delegate.type();
    }

    @Override
    public List<GroupSummary> listGroups(GroupFilter filter) {
        return call("listGroups", () -> delegate.listGroups(filter));
    }

    @Override
    public VmGroup describeGroup(GroupRef group) {
        return call("describeGroup", () -> delegate.describeGroup(group));
    }

    /** A plugin built for SPI 1.0 gets the SPI's default here, which reads the groups one by one. */
    @Override
    public DescribedGroups describeGroups(List<GroupRef> groups) {
        return call("describeGroups", () -> delegate.describeGroups(groups));
    }

    /** Passed through, so that a provider's own one-pass listing is used (the SPI's default would list, then read). */
    @Override
    public ListedGroups listAndDescribeGroups(GroupFilter filter, java.util.function.Predicate<GroupSummary> read) {
        return call("listAndDescribeGroups", () -> delegate.listAndDescribeGroups(filter, read));
    }

    @Override
    public boolean listingCarriesMembers() {
        return call("listingCarriesMembers", delegate::listingCarriesMembers);
    }

    @Override
    public boolean gatesEachRequest() {
        return call("gatesEachRequest", delegate::gatesEachRequest);
    }

    @Override
    public DescribedGroups describeListedGroups(List<GroupSummary> listed) {
        return call("describeListedGroups", () -> delegate.describeListedGroups(listed));
    }

    @Override
    public GroupHealth health(GroupRef group) {
        return call("health", () -> delegate.health(group));
    }

    @Override
    public TerminationResult terminate(TerminationRequest request) {
        return call("terminate", () -> delegate.terminate(request));
    }

    @Override
    public java.util.List<dev.macaque.spi.MemberTermination> terminateMembers(GroupRef group, java.util.List<TerminationRequest> requests) {
        return call("terminateMembers", () -> delegate.terminateMembers(group, requests));
    }

    @Override
    public void close() {
        call("close", () -> {
            delegate.close();
            return null;
        });
    }
}
