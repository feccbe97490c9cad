package dev.macaque.auth.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.macaque.auth.Principal;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.text.Durations;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Single sign-on through an OpenID Connect provider, as a relying party: the authorization code flow with PKCE, a
 * {@code state} bound to the browser and taken once, and a {@code nonce}. The provider is found by discovery
 * ({@code /.well-known/openid-configuration}, read lazily so that a provider down at start-up does not stop the server,
 * and again after {@link #METADATA_TTL}). The ID token is checked by the Nimbus SDK: signature against the provider's
 * JWKS (an unknown {@code kid} makes it fetch the key set once more, so that key rotation needs no restart), {@code iss},
 * {@code aud}, {@code exp}/{@code iat} within {@code clockSkew}, and {@code nonce}. The role then comes from
 * {@link RoleMappings}.
 */
public final class OidcSignIn {
    static final Duration METADATA_TTL = Duration.ofHours(1);
    private static final int TIMEOUT_MILLIS = 5_000;
    private static final int JWKS_SIZE_LIMIT = 512 * 1024;
    /** Asymmetric signatures only: a shared-secret (HS*) ID token would be forgeable by anyone holding the client secret. */
    private static final Set<JWSAlgorithm> ACCEPTED = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512,
            JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    /** Where to send the browser, and the secret its binding cookie carries. */
    public record Started(URI authorizationRequest, String browserBinding) {
    }

    /** How a callback ended. */
    public sealed interface Outcome {
        /** @param next where the browser was headed */
        record SignedIn(Principal principal, String next, String claimValue) implements Outcome {
        }

        /**
         * @param status  401 (the sign-in itself failed) or 403 (a valid user without a role)
         * @param message for the person, on the sign-in page
         * @param detail  for the audit trail (who, and the check that failed)
         * @param user    who it was when the ID token was valid, else null
         */
        record Refused(int status, String message, String detail, String user) implements Outcome {
        }
    }

    private final MacaqueConfig.OidcConfig config;
    private final Clock clock;
    private final Issuer issuer;
    private final ClientID clientId;
    private final Duration clockSkew;
    private final RoleMappings roles;
    private final PendingSignIns pending;
    private Provider provider;

    /** The provider's endpoints and the validator over its keys, as discovered at {@code readAt}. */
    private record Provider(OIDCProviderMetadata metadata, IDTokenValidator validator, Instant readAt) {
    }

    public OidcSignIn(MacaqueConfig.OidcConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.issuer = new Issuer(config.issuer());
        this.clientId = new ClientID(config.clientId());
        this.clockSkew = Durations.parse(config.clockSkew());
        this.roles = new RoleMappings(config.roles());
        this.pending = new PendingSignIns(clock);
    }

    /**
     * A new sign-in: remembers its state, nonce and PKCE verifier, and gives the provider's authorization URL.
     *
     * @param origin the origin the browser used ({@code http://127.0.0.1:8080}), for the callback unless
     *               {@code auth.oidc.redirectUri} is set
     * @throws ProviderUnavailable when the provider's discovery document cannot be read
     */
    public Started start(String origin, String next) {
        Provider p = provider();
        URI redirect = URI.create(config.redirectUri() != null ? config.redirectUri() : origin + "/sign-in/oidc/callback");
        State state = new State();
        Nonce nonce = new Nonce();
        CodeVerifier verifier = new CodeVerifier();
        String binding = new State().getValue();
        pending.put(state.getValue(), nonce.getValue(), verifier.getValue(), redirect.toString(), next, binding);
        AuthenticationRequest request = new AuthenticationRequest.Builder(ResponseType.CODE,
                com.nimbusds.oauth2.sdk.Scope.parse(config.scopes()), clientId, redirect)
                .endpointURI(p.metadata().getAuthorizationEndpointURI())
                .state(state).nonce(nonce).codeChallenge(verifier, CodeChallengeMethod.S256).build();
        return new Started(request.toURI(), binding);
    }

    /** The provider's answer at the callback: {@code code} and {@code state}, or {@code error}. */
    public Outcome finish(String state, String code, String error, String errorDescription, String browserBinding) {
        Optional<PendingSignIns.Pending> taken = pending.take(state, browserBinding);
        if (taken.isEmpty()) {
            return refused(401, "This sign-in link is not valid any more (it was used already, expired, or was started in another browser). "
                    + "Sign in again.", "unknown, used or expired state, or another browser's", null);
        }
        PendingSignIns.Pending p = taken.get();
        if (error != null) {
            return refused(401, "The identity provider refused the sign-in: " + abbreviate(error + (errorDescription == null ? ""
                    : " (" + errorDescription + ")"), 300), "provider error " + abbreviate(error, 100), null);
        }
        if (code == null || code.isBlank()) {
            return refused(401, "The identity provider sent no authorization code. Sign in again.", "no code in the callback", null);
        }
        Provider provider;
        JWT idToken;
        try {
            provider = provider();
            idToken = exchange(provider, code, p);
        } catch (ProviderUnavailable e) {
            return refused(401, "The identity provider could not be reached to finish the sign-in: " + e.getMessage(), e.getMessage(), null);
        } catch (ExchangeRefused e) {
            return refused(401, "The identity provider did not accept the sign-in: " + e.getMessage(), e.getMessage(), null);
        }
        IDTokenClaimsSet claims;
        try {
            claims = provider.validator().validate(idToken, new Nonce(p.nonce()));
        } catch (BadJOSEException | com.nimbusds.jose.JOSEException e) {
            return refused(401, "The identity provider's ID token was not accepted: " + abbreviate(e.getMessage(), 300),
                    "ID token rejected: " + abbreviate(e.getMessage(), 300), null);
        }
        String sub = claims.getSubject().getValue();
        String email = claims.getStringClaim("email");
        String user = email != null && !email.isBlank() ? email : sub;
        if (!config.allowedDomains().isEmpty()) {
            Boolean verified = claims.getBooleanClaim("email_verified");
            String domain = email == null || !email.contains("@") ? null : email.substring(email.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
            if (domain == null || Boolean.FALSE.equals(verified)
                    || config.allowedDomains().stream().noneMatch(d -> d.toLowerCase(Locale.ROOT).equals(domain))) {
                return refused(403, "Your account (" + user + ") is not in a domain allowed to sign in here ("
                        + String.join(", ", config.allowedDomains()) + ")" + (Boolean.FALSE.equals(verified) ? "; your email is not verified" : "")
                        + ".", "email domain not allowed", user);
            }
        }
        List<String> values = claimValues(claims.toJSONObject(), config.roleClaim());
        RoleMappings.Decision decision = roles.decide(config.roleClaim(), values);
        if (decision instanceof RoleMappings.Decision.NoRole none) {
            return refused(403, "You signed in as " + user + ", but you have no role in Macaque: " + none.reason() + ".",
                    "no role mapped: " + config.roleClaim() + "=" + abbreviate(values.toString(), 200), user);
        }
        RoleMappings.Grant grant = ((RoleMappings.Decision.Granted) decision).grant();
        return new Outcome.SignedIn(new Principal(Principal.OIDC_PREFIX + abbreviate(sub, 200), abbreviate(user, 200), grant.role(),
                grant.scope()), p.next(), grant.claimValue());
    }

    /** Thrown by {@link #start} when discovery fails. */
    public static final class ProviderUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProviderUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final class ExchangeRefused extends Exception {
        private static final long serialVersionUID = 1L;

        ExchangeRefused(String message) {
            super(message);
        }
    }

    private JWT exchange(Provider provider, String code, PendingSignIns.Pending p) throws ExchangeRefused {
        AuthorizationCodeGrant grant = new AuthorizationCodeGrant(new AuthorizationCode(code), URI.create(p.redirectUri()),
                new CodeVerifier(p.codeVerifier()));
        URI endpoint = provider.metadata().getTokenEndpointURI();
        TokenRequest request = config.clientSecret() == null || config.clientSecret().isEmpty()
                ? new TokenRequest(endpoint, clientId, grant)
                : new TokenRequest(endpoint, new ClientSecretBasic(clientId, new Secret(config.clientSecret())), grant);
        HTTPRequest http = request.toHTTPRequest();
        http.setConnectTimeout(TIMEOUT_MILLIS);
        http.setReadTimeout(TIMEOUT_MILLIS);
        TokenResponse response;
        try {
            response = OIDCTokenResponseParser.parse(http.send());
        } catch (IOException e) {
            throw new ProviderUnavailable("the token endpoint " + endpoint + " could not be reached: " + e.getMessage(), e);
        } catch (ParseException e) {
            throw new ExchangeRefused("the token endpoint's answer is not an OpenID Connect token response: " + abbreviate(e.getMessage(), 200));
        }
        if (response instanceof TokenErrorResponse failed) {
            throw new ExchangeRefused("the code exchange failed: " + failed.getErrorObject().getCode()
                    + (failed.getErrorObject().getDescription() == null ? "" : " (" + abbreviate(failed.getErrorObject().getDescription(), 200) + ")"));
        }
        JWT idToken = ((OIDCTokenResponse) response.toSuccessResponse()).getOIDCTokens().getIDToken();
        if (idToken == null) {
            throw new ExchangeRefused("the token endpoint returned no ID token");
        }
        return idToken;
    }

    /** The provider as discovered, read again after {@link #METADATA_TTL} (a failed read is retried at the next sign-in). */
    private synchronized Provider provider() {
        if (provider != null && provider.readAt().plus(METADATA_TTL).isAfter(clock.instant())) {
            return provider;
        }
        OIDCProviderMetadata metadata;
        try {
            // resolve() also checks that the document names exactly the configured issuer.
            metadata = OIDCProviderMetadata.resolve(issuer, TIMEOUT_MILLIS, TIMEOUT_MILLIS);
        } catch (IOException | GeneralException e) {
            throw new ProviderUnavailable("the discovery document of " + issuer + " could not be read: " + abbreviate(e.getMessage(), 300), e);
        }
        JWKSource<SecurityContext> keys;
        try {
            // Cached; a token signed by a key not in the cached set makes the source fetch the set again, once.
            keys = JWKSourceBuilder.<SecurityContext>create(metadata.getJWKSetURI().toURL(),
                            new DefaultResourceRetriever(TIMEOUT_MILLIS, TIMEOUT_MILLIS, JWKS_SIZE_LIMIT))
                    .cache(Duration.ofMinutes(15).toMillis(), Duration.ofSeconds(15).toMillis())
                    .refreshAheadCache(false).rateLimited(false).retrying(false).build();
        } catch (MalformedURLException | IllegalArgumentException | NullPointerException e) {
            throw new ProviderUnavailable("the discovery document of " + issuer + " names no usable jwks_uri", e);
        }
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        for (JWSAlgorithm alg : Optional.ofNullable(metadata.getIDTokenJWSAlgs()).orElse(List.of(JWSAlgorithm.RS256))) {
            if (ACCEPTED.contains(alg)) {
                algorithms.add(alg);
            }
        }
        if (algorithms.isEmpty()) {
            throw new ProviderUnavailable("the provider " + issuer + " signs ID tokens with none of the accepted algorithms (it offers "
                    + metadata.getIDTokenJWSAlgs() + ")", null);
        }
        IDTokenValidator validator = new IDTokenValidator(issuer, clientId, new JWSVerificationKeySelector<>(algorithms, keys), null);
        validator.setMaxClockSkew((int) clockSkew.toSeconds());
        provider = new Provider(metadata, validator, clock.instant());
        return provider;
    }

    /**
     * The values of {@code claim} (a dotted path such as Keycloak's {@code realm_access.roles} reaches into objects): a
     * list of strings, or a single string.
     */
    static List<String> claimValues(Map<String, Object> claims, String claim) {
        Object at = claims;
        for (String part : claim.split("\\.")) {
            if (!(at instanceof Map<?, ?> map)) {
                return List.of();
            }
            at = map.get(part);
        }
        List<String> values = new ArrayList<>();
        if (at instanceof String s) {
            values.add(s);
        } else if (at instanceof Collection<?> list) {
            list.stream().filter(String.class::isInstance).map(String.class::cast).limit(1000).forEach(values::add);
        }
        return values;
    }

    private static Outcome refused(int status, String message, String detail, String user) {
        return new Outcome.Refused(status, message, detail, user);
    }

    private static String abbreviate(String text, int max) {
        String t = text == null ? "" : text;
        return t.length() <= max ? t : t.substring(0, max - 1) + "…";
    }

    /** The claim whose values map to roles ({@code auth.oidc.roleClaim}). */
    public String roleClaim() {
        return config.roleClaim();
    }

    /** Sign-ins started and not finished yet (bounded). */
    public int pendingSignIns() {
        return pending.size();
    }
}
