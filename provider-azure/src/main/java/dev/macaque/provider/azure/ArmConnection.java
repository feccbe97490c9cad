package dev.macaque.provider.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.policy.AddHeadersFromContextPolicy;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.json.JsonToken;
import com.azure.resourcemanager.authorization.fluent.models.PermissionInner;
import java.io.IOException;
import java.io.UncheckedIOException;
import com.azure.core.util.Context;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.resourcemanager.authorization.fluent.AuthorizationManagementClient;
import com.azure.resourcemanager.authorization.implementation.AuthorizationManagementClientBuilder;
import com.azure.resourcemanager.compute.fluent.ComputeManagementClient;
import com.azure.resourcemanager.compute.implementation.ComputeManagementClientBuilder;
import dev.macaque.spi.CallGate;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.netty.resources.ConnectionProvider;

/**
 * The Azure Resource Manager clients of one provider instance: one HTTP pipeline (retry policy, and the bearer-token
 * policy in production) shared by a compute and an authorization client per subscription.
 */
final class ArmConnection {
    static final HttpHeaderName CORRELATION_HEADER = HttpHeaderName.fromString("x-ms-correlation-request-id");
    private static final Duration RETRY_BASE_DELAY = Duration.ofMillis(800);
    private static final Duration RETRY_MAX_DELAY = Duration.ofSeconds(30);

    private final HttpPipeline pipeline;
    private final AzureEnvironment environment;
    private final String endpoint;
    private final Duration pollInterval;
    private final Map<String, ComputeManagementClient> compute = new ConcurrentHashMap<>();
    private final Map<String, AuthorizationManagementClient> authorization = new ConcurrentHashMap<>();
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param pipeline     the HTTP pipeline every request goes through (authentication included)
     * @param environment  the Azure cloud; its Resource Manager endpoint is where requests go
     * @param pollInterval long-running operation poll interval when Azure sends no {@code Retry-After}
     * @param gate         every request passes it right before it is sent, each attempt, page and poll (SPI 1.4)
     */
    ArmConnection(HttpPipeline pipeline, AzureEnvironment environment, Duration pollInterval, CallGate gate) {
        this(pipeline, environment, pollInterval, gate, () -> { });
    }

    private ArmConnection(HttpPipeline pipeline, AzureEnvironment environment, Duration pollInterval, CallGate gate,
                          Runnable release) {
        this.release = release;
        this.pipeline = GatedRequests.around(Objects.requireNonNull(pipeline, "pipeline"), gate);
        this.environment = Objects.requireNonNull(environment, "environment");
        this.endpoint = environment.getResourceManagerEndpoint();
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    }

    /** Production wiring: a Netty HTTP client built here (not found through ServiceLoader) and azure-identity sign-in. */
    static ArmConnection forConfig(AzureProviderConfig config, CallGate gate) {
        // Own event loops and connection pool instead of reactor-netty's global ones, so that close() releases the
        // threads and the plugin's class loader can be dropped.
        NioEventLoopGroup eventLoops = new NioEventLoopGroup(2, new DefaultThreadFactory("macaque-azure-http", true));
        ConnectionProvider connections = ConnectionProvider.builder("macaque-azure").maxConnections(16).build();
        HttpClient httpClient = new NettyAsyncHttpClientBuilder().eventLoopGroup(eventLoops).connectionProvider(connections)
                .responseTimeout(config.requestTimeout()).readTimeout(config.requestTimeout()).build();
        TokenCredential credential = credential(config, httpClient);
        String scope = scopeFor(config.environment());
        return new ArmConnection(pipeline(httpClient, config.maxRetries(), new BearerTokenAuthenticationPolicy(credential, scope)),
                config.effectiveEnvironment(), config.pollInterval(), gate, () -> {
                    connections.dispose();
                    eventLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS);
                });
    }

    /** Releases the HTTP client's threads and connections, if this connection owns them. Idempotent. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            release.run();
        }
    }

    /**
     * A request context that sends {@code correlationId} as {@code x-ms-correlation-request-id}, which Azure Resource
     * Manager records as the correlation id of the operation in the subscription's activity log.
     */
    static Context correlated(String correlationId) {
        return new Context(AddHeadersFromContextPolicy.AZURE_REQUEST_HTTP_HEADERS_KEY,
                new HttpHeaders().set(CORRELATION_HEADER, correlationId));
    }

    /**
     * A pipeline with the SDK's retry policy: exponential backoff from 800 ms, at most {@code maxRetries} retries of
     * 408, 429 and 5xx answers and network errors, waiting what {@code Retry-After} says when Azure sends it; never of
     * a request the call gate refused.
     */
    static HttpPipeline pipeline(HttpClient httpClient, int maxRetries, HttpPipelinePolicy... extraPolicies) {
        return pipeline(httpClient, new ExponentialBackoff(maxRetries, RETRY_BASE_DELAY, RETRY_MAX_DELAY), extraPolicies);
    }

    static HttpPipeline pipeline(HttpClient httpClient, ExponentialBackoff retryStrategy, HttpPipelinePolicy... extraPolicies) {
        List<HttpPipelinePolicy> policies = new ArrayList<>();
        policies.add(new UserAgentPolicy("macaque-provider-azure"));
        policies.add(new RequestIdPolicy());
        policies.add(new AddHeadersFromContextPolicy());
        policies.add(new RetryPolicy(GatedRequests.refusalsNotRetried(retryStrategy)));
        policies.addAll(List.of(extraPolicies));
        return new HttpPipelineBuilder().httpClient(httpClient).policies(policies.toArray(HttpPipelinePolicy[]::new)).build();
    }

    private static TokenCredential credential(AzureProviderConfig config, HttpClient httpClient) {
        String authorityHost = config.environment().getActiveDirectoryEndpoint();
        if (config.clientSecret() != null) {
            return new ClientSecretCredentialBuilder().tenantId(config.tenantId()).clientId(config.clientId())
                    .clientSecret(config.clientSecret()).authorityHost(authorityHost).httpClient(httpClient).build();
        }
        DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder().authorityHost(authorityHost)
                .httpClient(httpClient);
        if (config.tenantId() != null) {
            builder.tenantId(config.tenantId());
        }
        if (config.clientId() != null) {
            builder.managedIdentityClientId(config.clientId());
        }
        return builder.build();
    }

    /**
     * The token scope of Resource Manager in {@code environment}, e.g. {@code https://management.azure.com/.default}:
     * always the cloud's own audience, also when {@code managementEndpoint} routes requests elsewhere.
     */
    static String scopeFor(AzureEnvironment environment) {
        String audience = environment.getResourceManagerEndpoint();
        return (audience.endsWith("/") ? audience : audience + "/") + ".default";
    }

    ComputeManagementClient compute(String subscriptionId) {
        return compute.computeIfAbsent(subscriptionId, id -> new ComputeManagementClientBuilder().pipeline(pipeline)
                .environment(environment).endpoint(endpoint).subscriptionId(id).defaultPollInterval(pollInterval)
                .buildClient());
    }

    AuthorizationManagementClient authorization(String subscriptionId) {
        return authorization.computeIfAbsent(subscriptionId, id -> new AuthorizationManagementClientBuilder()
                .pipeline(pipeline).environment(environment).endpoint(endpoint).subscriptionId(id)
                .defaultPollInterval(pollInterval).buildClient());
    }

    String endpoint() {
        return endpoint;
    }

    /** API version of Microsoft.Authorization permissions, the one the SDK's own permissions client uses. */
    static final String PERMISSIONS_API_VERSION = "2022-04-01";
    private static final int MAX_PERMISSION_PAGES = 20;

    /**
     * The caller's permissions at one resource: {@code GET {resourceId}/providers/Microsoft.Authorization/permissions},
     * the URL the REST specification defines for a resource at the top of its provider. The SDK's
     * {@code listForResource} cannot build it for such a resource: its template always has a
     * {@code parentResourcePath} segment, which left empty gives {@code Microsoft.Compute//virtualMachineScaleSets}.
     * Pages are followed up to {@value #MAX_PERMISSION_PAGES}.
     */
    List<PermissionInner> permissionsAt(String resourceId, Context context) {
        List<PermissionInner> permissions = new ArrayList<>();
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        String url = base + resourceId + "/providers/Microsoft.Authorization/permissions?api-version="
                + PERMISSIONS_API_VERSION;
        for (int page = 0; url != null && page < MAX_PERMISSION_PAGES; page++) {
            try (HttpResponse response = pipeline.sendSync(new HttpRequest(HttpMethod.GET, url), context)) {
                String body = response.getBodyAsBinaryData().toString();
                if (response.getStatusCode() / 100 != 2) {
                    ManagementError error = errorOf(body);
                    throw new ManagementException("HTTP " + response.getStatusCode()
                            + (error == null ? "" : " " + error.getCode() + ": " + error.getMessage()), response, error);
                }
                url = readPermissionPage(body, permissions);
            }
        }
        return permissions;
    }

    /** Adds a page's {@code value} to {@code into}; returns its {@code nextLink} or {@code null}. */
    private static String readPermissionPage(String body, List<PermissionInner> into) {
        try (JsonReader reader = JsonProviders.createReader(body)) {
            return reader.readObject(object -> {
                String next = null;
                while (object.nextToken() != JsonToken.END_OBJECT) {
                    String field = object.getFieldName();
                    object.nextToken();
                    if ("value".equals(field)) {
                        into.addAll(object.readArray(PermissionInner::fromJson));
                    } else if ("nextLink".equals(field)) {
                        next = object.getString();
                    } else {
                        object.skipChildren();
                    }
                }
                return next == null || next.isBlank() ? null : next;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable permissions answer", e);
        }
    }

    /** The {@code error} object of an ARM error or async-operation body, or null when there is none. */
    static ManagementError errorOf(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try (JsonReader reader = JsonProviders.createReader(body)) {
            return reader.readObject(object -> {
                ManagementError found = null;
                while (object.nextToken() != JsonToken.END_OBJECT) {
                    String field = object.getFieldName();
                    object.nextToken();
                    if ("error".equals(field)) {
                        found = ManagementError.fromJson(object);
                    } else {
                        object.skipChildren();
                    }
                }
                return found;
            });
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
