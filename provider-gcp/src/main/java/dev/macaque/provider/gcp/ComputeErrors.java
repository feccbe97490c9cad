package dev.macaque.provider.gcp;

import com.google.api.client.http.HttpResponseException;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.compute.v1.Operation;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderException.Kind;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Turns what the Compute client throws into {@link ProviderException}s, by HTTP status and error reason. */
final class ComputeErrors {
    // Compute's operation-rate limit answers 403 with this reason; the client surfaces it as PERMISSION_DENIED.
    private static final Pattern RATE_LIMIT_REASON =
            Pattern.compile("\"reason\"\\s*:\\s*\"(rateLimitExceeded|userRateLimitExceeded)\"");

    // A 400 for a VM busy with another operation: the same condition as RESOURCE_NOT_READY inside an Operation.
    private static final Pattern NOT_READY_REASON = Pattern.compile("\"reason\"\\s*:\\s*\"resourceNotReady\"");
    private static final Pattern ERROR_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** Bound on the cloud's text kept in a message (Compute's bodies can repeat the same text many times). */
    private static final int MAX_DETAIL = 1_000;

    private ComputeErrors() {
    }

    /**
     * Runs one Compute call once and translates its failure. There is no retry here: the engine retries what is
     * retryable (throttling included), so that one call is never multiplied by two stacked retry layers.
     */
    static <T> T call(String what, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw translate(e, what);
        }
    }

    /** {@code what} names the call and its target, e.g. "get MIG my-proj/europe-west1/web". */
    static ProviderException translate(RuntimeException error, String what) {
        if (error instanceof ProviderException provider) {
            return provider;
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException) {
                return new ProviderException(Kind.UNAVAILABLE, what + " failed: the Compute endpoint is unreachable ("
                        + t + ")", error);
            }
        }
        if (!(error instanceof ApiException api)) {
            return new ProviderException(Kind.TRANSIENT, what + " failed: " + error, error);
        }
        int http = httpStatus(api);
        String body = body(api);
        String message = what + " failed: HTTP " + (http > 0 ? http : "?") + " " + api.getStatusCode().getCode()
                + ": " + detail(api, body);
        if (http == 429 || api.getStatusCode().getCode() == StatusCode.Code.RESOURCE_EXHAUSTED) {
            return new ProviderException(Kind.THROTTLED, message, api, true, retryAfter(api));
        }
        if (http == 403 || api.getStatusCode().getCode() == StatusCode.Code.PERMISSION_DENIED) {
            if (RATE_LIMIT_REASON.matcher(body).find() || "rateLimitExceeded".equals(api.getReason())) {
                return new ProviderException(Kind.THROTTLED, message + " (rateLimitExceeded)", api, true,
                        retryAfter(api));
            }
            return new ProviderException(Kind.PERMISSION_DENIED, message, api);
        }
        if (http == 401 || api.getStatusCode().getCode() == StatusCode.Code.UNAUTHENTICATED) {
            return new ProviderException(Kind.UNAVAILABLE, message + " (credentials rejected)", api);
        }
        if (http == 404 || api.getStatusCode().getCode() == StatusCode.Code.NOT_FOUND) {
            return new ProviderException(Kind.NOT_FOUND, message, api);
        }
        if (http == 409 || http == 412 || api.getStatusCode().getCode() == StatusCode.Code.ABORTED
                || api.getStatusCode().getCode() == StatusCode.Code.ALREADY_EXISTS) {
            return new ProviderException(Kind.CONFLICT, message, api);
        }
        if (http >= 500 || api.getStatusCode().getCode() == StatusCode.Code.UNAVAILABLE
                || api.getStatusCode().getCode() == StatusCode.Code.DEADLINE_EXCEEDED
                || api.getStatusCode().getCode() == StatusCode.Code.INTERNAL) {
            return new ProviderException(Kind.TRANSIENT, message, api);
        }
        if (http == 400 && (NOT_READY_REASON.matcher(body).find() || "resourceNotReady".equals(api.getReason()))) {
            return new ProviderException(Kind.CONFLICT, message + " (resourceNotReady: busy with another operation)",
                    api, true, retryAfter(api));
        }
        if (http >= 400 && http < 500) {
            return new ProviderException(Kind.INVALID_REQUEST, message, api);
        }
        return new ProviderException(Kind.TRANSIENT, message, api);
    }

    /**
     * What Compute said: the {@code error.message} of its JSON body (which names, say, the missing permission),
     * else the client's whole message; never just the status line.
     */
    private static String detail(ApiException api, String body) {
        Matcher said = ERROR_MESSAGE.matcher(body);
        String text;
        if (said.find()) {
            text = said.group(1).replace("\\\"", "\"").replace("\\n", " ").replace("\\\\", "\\");
        } else {
            text = api.getMessage() == null ? "" : api.getMessage().replace('\n', ' ').trim();
        }
        return text.length() > MAX_DETAIL ? text.substring(0, MAX_DETAIL) + "…" : text;
    }

    /** An Operation that finished with errors, classified by the HTTP status it reports. */
    static ProviderException operationFailed(String what, Operation operation) {
        String errors = operation.getError().getErrorsList().stream()
                .map(e -> e.getCode() + ": " + e.getMessage())
                .collect(Collectors.joining("; "));
        int http = operation.getHttpErrorStatusCode();
        String message = what + ": operation " + operation.getName() + " ended in error"
                + (http > 0 ? " (HTTP " + http + ")" : "") + ": " + errors;
        Kind kind;
        if (http == 429 || errors.contains("RESOURCE_EXHAUSTED") || errors.contains("rateLimitExceeded")) {
            kind = Kind.THROTTLED;
        } else if (http == 403) {
            kind = Kind.PERMISSION_DENIED;
        } else if (http == 404 || errors.contains("RESOURCE_NOT_FOUND")) {
            kind = Kind.NOT_FOUND;
        } else if (http == 409 || http == 412 || errors.contains("RESOURCE_NOT_READY")
                || errors.contains("resourceNotReady")) {
            kind = Kind.CONFLICT;
        } else if (http >= 400 && http < 500) {
            kind = Kind.INVALID_REQUEST;
        } else {
            kind = Kind.TRANSIENT;
        }
        return new ProviderException(kind, message);
    }

    /** The {@code Retry-After} header in its delay-seconds form, or {@code null}. */
    private static Duration retryAfter(ApiException api) {
        for (Throwable t = api; t != null; t = t.getCause()) {
            if (t instanceof HttpResponseException http && http.getHeaders() != null) {
                String value = http.getHeaders().getRetryAfter();
                if (value != null && value.trim().matches("[0-9]{1,6}")) {
                    return Duration.ofSeconds(Long.parseLong(value.trim()));
                }
            }
        }
        return null;
    }

    /** The HTTP status: from the transport exception when present, else from the gax status code. */
    static int httpStatus(ApiException api) {
        for (Throwable t = api; t != null; t = t.getCause()) {
            if (t instanceof HttpResponseException http) {
                return http.getStatusCode();
            }
        }
        Object transport = api.getStatusCode().getTransportCode();
        return transport instanceof Integer code ? code : -1;
    }

    private static String body(ApiException api) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = api; t != null; t = t.getCause()) {
            if (t instanceof HttpResponseException http && http.getContent() != null) {
                text.append(http.getContent()).append('\n');
            }
            if (t.getMessage() != null) {
                text.append(t.getMessage()).append('\n');
            }
        }
        return text.toString();
    }

}
