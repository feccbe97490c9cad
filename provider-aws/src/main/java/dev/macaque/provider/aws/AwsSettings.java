package dev.macaque.provider.aws;

import dev.macaque.spi.ProviderException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The validated configuration of one {@code aws} provider instance.
 *
 * @param regions     the AWS regions this instance covers, sorted, at least one
 * @param profile     a named profile from the shared AWS config/credentials files, or {@code null} for the default chain
 * @param roleArn     an IAM role to assume on top of the base credentials, or {@code null}
 * @param externalId  the external ID the role's trust policy demands, or {@code null}; secret
 * @param sessionName the role session name that appears in CloudTrail
 * @param endpoint    one endpoint for every service client (LocalStack, moto), or {@code null} for AWS's own
 * @param maxAttempts attempts per API call (first try plus retries) for the SDK's standard retry strategy
 * @param apiTimeout  the bound on one API call including its retries
 */
record AwsSettings(List<String> regions, String profile, String roleArn, String externalId, String sessionName,
                   URI endpoint, int maxAttempts, Duration apiTimeout) {

    static final String REGIONS = "regions";
    static final String PROFILE = "profile";
    static final String ROLE_ARN = "roleArn";
    static final String EXTERNAL_ID = "externalId";
    static final String SESSION_NAME = "sessionName";
    static final String ENDPOINT = "endpoint";
    static final String MAX_ATTEMPTS = "maxAttempts";
    static final String API_TIMEOUT = "apiTimeout";

    static final String DEFAULT_SESSION_NAME = "macaque";
    /** One: the server retries throttled and transient calls in one place (its governed provider), not the SDK beneath it. */
    static final int DEFAULT_MAX_ATTEMPTS = 1;
    static final Duration DEFAULT_API_TIMEOUT = Duration.ofSeconds(30);

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    private static final Pattern ROLE_ARN_FORMAT = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");
    private static final Pattern SESSION_NAME_FORMAT = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m)");

    AwsSettings {
        regions = List.copyOf(regions);
    }

    /** Like the record's own, but never shows the external ID. */
    @Override
    public String toString() {
        return "AwsSettings[regions=" + regions + ", profile=" + profile + ", roleArn=" + roleArn
                + ", externalId=" + (externalId == null ? "none" : "(set)") + ", sessionName=" + sessionName
                + ", endpoint=" + endpoint + ", maxAttempts=" + maxAttempts + ", apiTimeout=" + apiTimeout + "]";
    }

    Optional<String> profileIfAny() {
        return Optional.ofNullable(profile);
    }

    Optional<String> roleArnIfAny() {
        return Optional.ofNullable(roleArn);
    }

    Optional<URI> endpointIfAny() {
        return Optional.ofNullable(endpoint);
    }

    /** Parses the flattened configuration; every problem names the key and the offending value. */
    static AwsSettings parse(String instanceId, Map<String, String> config) {
        String where = "provider '" + instanceId + "'";
        List<String> regions = parseRegions(where, text(config, REGIONS));
        String profile = text(config, PROFILE);
        String roleArn = text(config, ROLE_ARN);
        if (roleArn != null && !ROLE_ARN_FORMAT.matcher(roleArn).matches()) {
            throw invalid(where, ROLE_ARN, roleArn, "is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)");
        }
        String externalId = text(config, EXTERNAL_ID);
        if (externalId != null && roleArn == null) {
            throw new ProviderException(ProviderException.Kind.INVALID_REQUEST,
                    where + ": key '" + EXTERNAL_ID + "' is set but '" + ROLE_ARN + "' is not; an external ID only applies to a role to assume");
        }
        String sessionName = text(config, SESSION_NAME);
        if (sessionName != null && roleArn == null) {
            throw new ProviderException(ProviderException.Kind.INVALID_REQUEST,
                    where + ": key '" + SESSION_NAME + "' is set but '" + ROLE_ARN + "' is not; a session name only applies to a role to assume");
        }
        if (sessionName != null && !SESSION_NAME_FORMAT.matcher(sessionName).matches()) {
            throw invalid(where, SESSION_NAME, sessionName, "must be 2 to 64 characters of letters, digits and +=,.@_-");
        }
        URI endpoint = parseEndpoint(where, text(config, ENDPOINT));
        int maxAttempts = parseMaxAttempts(where, text(config, MAX_ATTEMPTS));
        Duration apiTimeout = parseTimeout(where, text(config, API_TIMEOUT));
        return new AwsSettings(regions, profile, roleArn, externalId,
                sessionName == null ? DEFAULT_SESSION_NAME : sessionName, endpoint, maxAttempts, apiTimeout);
    }

    private static String text(Map<String, String> config, String key) {
        String value = config.get(key);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static List<String> parseRegions(String where, String value) {
        if (value == null) {
            throw new ProviderException(ProviderException.Kind.INVALID_REQUEST,
                    where + ": key '" + REGIONS + "' is required (a list of AWS regions, e.g. [us-east-1, eu-west-1])");
        }
        TreeSet<String> regions = new TreeSet<>();
        for (String part : value.split(",")) {
            String region = part.trim();
            if (!REGION.matcher(region).matches()) {
                throw invalid(where, REGIONS, value, "contains '" + region + "', which is not an AWS region name like us-east-1");
            }
            regions.add(region);
        }
        return List.copyOf(regions);
    }

    private static URI parseEndpoint(String where, String value) {
        if (value == null) {
            return null;
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw invalid(where, ENDPOINT, value, "must be an absolute http:// or https:// URL, e.g. http://127.0.0.1:5000");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw invalid(where, ENDPOINT, value, "is not a URL: " + e.getMessage());
        }
    }

    private static int parseMaxAttempts(String where, String value) {
        if (value == null) {
            return DEFAULT_MAX_ATTEMPTS;
        }
        try {
            int attempts = Integer.parseInt(value);
            if (attempts >= 1 && attempts <= 10) {
                return attempts;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(where, MAX_ATTEMPTS, value, "must be an integer from 1 to 10 (attempts per call, including the first)");
    }

    private static Duration parseTimeout(String where, String value) {
        if (value == null) {
            return DEFAULT_API_TIMEOUT;
        }
        Duration timeout = null;
        Matcher shortForm = SHORT_DURATION.matcher(value);
        if (shortForm.matches()) {
            long amount = Long.parseLong(shortForm.group(1));
            timeout = switch (shortForm.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMinutes(amount);
            };
        } else {
            try {
                timeout = Duration.parse(value);
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw invalid(where, API_TIMEOUT, value, "must be a positive duration such as 30s, 500ms, 2m or PT30S");
        }
        return timeout;
    }

    private static ProviderException invalid(String where, String key, String value, String problem) {
        return new ProviderException(ProviderException.Kind.INVALID_REQUEST,
                where + ": key '" + key + "' value '" + value + "' " + problem);
    }
}
