package dev.macaque.provider.aws;

import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/** Translates SDK failures into the SPI's {@link ProviderException} kinds. */
final class AwsErrors {

    static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "RequestLimitExceeded",
            "RequestThrottled", "RequestThrottledException", "TooManyRequestsException", "ThrottledException");
    static final Set<String> CONFLICT = Set.of("ScalingActivityInProgress", "ResourceInUse", "IncorrectInstanceState");
    static final Set<String> PERMISSION = Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
            "AuthFailure", "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch",
            "ExpiredToken", "ExpiredTokenException", "OptInRequired");
    static final Set<String> NOT_FOUND = Set.of("InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed");

    private AwsErrors() {
    }

    /** The AWS error code of {@code e}, or an empty string when it has none (client-side failures). */
    static String code(SdkException e) {
        if (e instanceof AwsServiceException service) {
            AwsErrorDetails details = service.awsErrorDetails();
            if (details != null && details.errorCode() != null) {
                return details.errorCode();
            }
        }
        return "";
    }

    /**
     * @param call what was attempted, e.g. {@code "Auto Scaling DescribeAutoScalingGroups in us-east-1"}
     */
    static ProviderException translate(String call, SdkException e) {
        String attempts = e.numAttempts() == null || e.numAttempts() <= 1 ? "" : " (after " + e.numAttempts() + " attempts)";
        if (e instanceof AwsServiceException service) {
            String code = code(e);
            String message = call + " failed" + attempts + ": " + (code.isEmpty() ? "HTTP " + service.statusCode() : code)
                    + ": " + serviceMessage(service);
            if (THROTTLING.contains(code) || service.isThrottlingException()) {
                return new ProviderException(Kind.THROTTLED, message, e);
            }
            if (CONFLICT.contains(code)) {
                return new ProviderException(Kind.CONFLICT, message, e);
            }
            if (PERMISSION.contains(code) || service.statusCode() == 403) {
                return new ProviderException(Kind.PERMISSION_DENIED, message, e);
            }
            if (NOT_FOUND.contains(code)) {
                return new ProviderException(Kind.NOT_FOUND, message, e);
            }
            if (service.statusCode() >= 500) {
                return new ProviderException(Kind.TRANSIENT, message, e);
            }
            return new ProviderException(Kind.INVALID_REQUEST, message, e);
        }
        String message = call + " failed" + attempts + ": " + e.getMessage();
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new ProviderException(Kind.TRANSIENT, message, e);
        }
        if (hasCause(e, ConnectException.class) || hasCause(e, UnknownHostException.class)
                || hasCause(e, NoRouteToHostException.class)) {
            return new ProviderException(Kind.UNAVAILABLE, call + " failed: cannot reach the endpoint" + attempts + ": " + e.getMessage(), e);
        }
        if (hasCause(e, IOException.class)) {
            return new ProviderException(Kind.TRANSIENT, message, e);
        }
        // Missing credentials, unreadable profile, failed role assumption without a service answer, …
        return new ProviderException(Kind.UNAVAILABLE, message, e);
    }

    private static String serviceMessage(AwsServiceException e) {
        AwsErrorDetails details = e.awsErrorDetails();
        if (details != null && details.errorMessage() != null) {
            return details.errorMessage();
        }
        return e.getMessage();
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
