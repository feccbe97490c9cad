package dev.macaque.provider.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import com.azure.identity.CredentialUnavailableException;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderException.Kind;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeoutException;

/** Turns what the Azure SDK throws into {@link ProviderException}s, by HTTP status and ARM error code. */
final class ArmErrors {
    private final Clock clock;

    ArmErrors(Clock clock) {
        this.clock = clock;
    }

    /** Whether {@code e} is an ARM "not found" answer (HTTP 404). */
    static boolean isNotFound(Throwable e) {
        return e instanceof HttpResponseException http && http.getResponse() != null
                && http.getResponse().getStatusCode() == 404;
    }

    /** Translates {@code e}, thrown while doing {@code what} (e.g. "reading scale set rg/web"). */
    ProviderException translate(String what, Throwable e) {
        if (e instanceof ProviderException provider) {
            return provider;
        }
        if (e instanceof CredentialUnavailableException || e instanceof ClientAuthenticationException) {
            return new ProviderException(Kind.UNAVAILABLE, what + ": Azure sign-in failed (" + firstLine(e.getMessage())
                    + "); check the credential configuration", e);
        }
        if (e instanceof HttpResponseException http && http.getResponse() != null) {
            return fromResponse(what, http);
        }
        Throwable cause = rootCause(e);
        if (cause instanceof TimeoutException) {
            return new ProviderException(Kind.TRANSIENT, what + ": timed out (" + firstLine(cause.getMessage()) + ")", e);
        }
        if (cause instanceof IOException) {
            return new ProviderException(Kind.TRANSIENT, what + ": network error talking to Azure Resource Manager ("
                    + cause.getClass().getSimpleName() + ": " + firstLine(cause.getMessage()) + ")", e);
        }
        return new ProviderException(Kind.TRANSIENT, what + ": unexpected failure (" + e.getClass().getSimpleName()
                + ": " + firstLine(e.getMessage()) + ")", e);
    }

    private ProviderException fromResponse(String what, HttpResponseException http) {
        HttpResponse response = http.getResponse();
        int status = response.getStatusCode();
        String code = "";
        String message = firstLine(http.getMessage());
        if (http instanceof ManagementException management && management.getValue() != null) {
            ManagementError error = management.getValue();
            code = error.getCode() == null ? "" : error.getCode();
            message = error.getMessage() == null ? message : error.getMessage();
        }
        String said = what + ": Azure answered HTTP " + status + (code.isEmpty() ? "" : " " + code) + ": " + message;
        if (status == 429) {
            return new ProviderException(Kind.THROTTLED, said, http, true, retryAfter(response));
        }
        if (status == 401) {
            return new ProviderException(Kind.UNAVAILABLE, said + " (the credential was not accepted)", http);
        }
        if (status == 403) {
            return new ProviderException(Kind.PERMISSION_DENIED, said, http);
        }
        if (status == 404) {
            return new ProviderException(Kind.NOT_FOUND, said, http);
        }
        if (status == 409) {
            return new ProviderException(Kind.CONFLICT, said, http, true, retryAfter(response));
        }
        if (status >= 500) {
            return new ProviderException(Kind.TRANSIENT, said, http, true, retryAfter(response));
        }
        return new ProviderException(Kind.INVALID_REQUEST, said, http);
    }

    /** The wait Azure asked for: {@code Retry-After} in seconds or as an HTTP date, or {@code null}. */
    private Duration retryAfter(HttpResponse response) {
        String value = response.getHeaderValue(HttpHeaderName.RETRY_AFTER);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(value.trim()));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(clock.instant(),
                        ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
