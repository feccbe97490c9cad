package dev.macaque.spi;

import java.util.Objects;

/**
 * What became of one member in {@link CloudProvider#terminateMembers}: its result, or the failure for that member
 * alone (the others' outcomes stand). Exactly one of {@code result} and {@code error} is set.
 *
 * @param request the member's request
 * @param result  what the termination did, as {@link CloudProvider#terminate} would have answered
 * @param error   why this member could not be acted on
 */
public record MemberTermination(TerminationRequest request, TerminationResult result, ProviderException error) {

    public MemberTermination {
        Objects.requireNonNull(request, "request");
        if ((result == null) == (error == null)) {
            throw new IllegalArgumentException("exactly one of result and error is set for " + request.instanceId());
        }
    }

    public static MemberTermination done(TerminationRequest request, TerminationResult result) {
        return new MemberTermination(request, result, null);
    }

    public static MemberTermination failed(TerminationRequest request, ProviderException error) {
        return new MemberTermination(request, null, error);
    }
}
