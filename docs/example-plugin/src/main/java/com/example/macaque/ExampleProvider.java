package com.example.macaque;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.macaque.spi.CallGate;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.DescribedGroups;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.Instance;
import dev.macaque.spi.LifecycleState;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderException.Kind;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.TerminationResult.Outcome;
import dev.macaque.spi.VmGroup;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The example cloud's VM groups. Its API speaks tab-separated text, so that this example needs nothing but the JDK:
 *
 * <pre>
 * GET  /groups      one line per group, then one per member:
 *                   group  REGION  NAME  DESIRED  key=value,key=value
 *                   member ID  ZONE  STATE(pending|running|stopped|terminating)  HEALTHY(true|false)
 * POST /terminate?region=R&amp;group=G&amp;instance=I&amp;dryRun=true|false
 *                   200 terminated | already-terminated | would-terminate; 404 when I is not a member of G
 * </pre>
 *
 * Errors: 429 is THROTTLED (with Retry-After), 403 PERMISSION_DENIED, 5xx TRANSIENT, no answer UNAVAILABLE. No call
 * is retried here: the engine retries what is retryable. The example cloud keeps a group's capacity when one of its
 * members is terminated and replaces it, as the SPI requires. Thread-safe: the one field that changes is the client.
 */
final class ExampleProvider implements CloudProvider {
    private final String id;
    private final URI endpoint;
    private final Duration requestTimeout;
    private final System.Logger logger;
    private final HttpClient http;
    private final CallGate gate;

    ExampleProvider(String id, URI endpoint, Duration requestTimeout, System.Logger logger, CallGate gate) {
        this.id = id;
        this.gate = gate;
        this.endpoint = endpoint;
        this.requestTimeout = requestTimeout;
        this.logger = logger;
        this.http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String type() {
        return "example";
    }

    /** Every request goes through {@link #send}, which passes the server's call gate first (SPI 1.4). */
    @Override
    public boolean gatesEachRequest() {
        return true;
    }

    @Override
    public List<GroupSummary> listGroups(GroupFilter filter) {
        return readFleet().stream().map(VmGroup::summary)
                .filter(g -> filter.matches(g.ref().region(), g.tags()))
                .sorted(Comparator.comparing((GroupSummary g) -> g.ref().region()).thenComparing(g -> g.ref().name()))
                .toList();
    }

    @Override
    public VmGroup describeGroup(GroupRef group) {
        return find(group).orElseThrow(() -> notFound(group));
    }

    /**
     * SPI 1.1: many groups in one call. Without this override the SPI's default would call describeGroup once per
     * group; one GET /groups answers them all.
     */
    @Override
    public DescribedGroups describeGroups(List<GroupRef> groups) {
        Map<GroupRef, VmGroup> fleet = new LinkedHashMap<>();
        readFleet().forEach(g -> fleet.put(g.ref(), g));
        List<VmGroup> found = new ArrayList<>();
        Map<GroupRef, String> notFound = new LinkedHashMap<>();
        for (GroupRef ref : groups.stream().distinct().toList()) {
            VmGroup group = fleet.get(ref);
            if (group != null) {
                found.add(group);
            } else {
                notFound.put(ref, notFound(ref).getMessage());
            }
        }
        return new DescribedGroups(found, notFound, List.of());
    }

    @Override
    public GroupHealth health(GroupRef group) {
        VmGroup read = describeGroup(group);
        int pending = (int) read.instances().stream().filter(i -> i.state() == LifecycleState.PENDING).count();
        return new GroupHealth(group, read.desiredCapacity(), read.healthyInService().size(), pending);
    }

    @Override
    public TerminationResult terminate(TerminationRequest request) {
        GroupRef group = request.group();
        if (!group.provider().equals(id)) {
            throw notFound(group);
        }
        String query = "region=" + encode(group.region()) + "&group=" + encode(group.name()) + "&instance="
                + encode(request.instanceId()) + "&dryRun=" + request.dryRun();
        // The example cloud has no idempotency token: a repeated request finds the member already terminated.
        String answer = send(HttpRequest.newBuilder(endpoint.resolve(endpoint.getPath() + "/terminate?" + query))
                .POST(HttpRequest.BodyPublishers.noBody()), "terminate " + request.instanceId() + " of " + group).trim();
        Outcome outcome = switch (answer) {
            case "terminated" -> Outcome.TERMINATED;
            case "already-terminated" -> Outcome.ALREADY_TERMINATED;
            case "would-terminate" -> Outcome.DRY_RUN_WOULD_TERMINATE;
            default -> throw new ProviderException(Kind.TRANSIENT, "terminate " + request.instanceId() + " of " + group
                    + ": unexpected answer '" + answer + "'");
        };
        if (outcome == Outcome.TERMINATED) {
            logger.log(System.Logger.Level.INFO, "{0}: terminated {1} of {2} ({3})", id, request.instanceId(), group,
                    request.reason());
        }
        String detail = switch (outcome) {
            case TERMINATED -> "the example cloud terminated " + request.instanceId() + " and replaces it";
            case ALREADY_TERMINATED -> request.instanceId() + " is already terminating or gone; nothing was done";
            case DRY_RUN_WOULD_TERMINATE -> "dry run, nothing changed. Proven: " + request.instanceId()
                    + " is a member of " + group.name() + ". Not proven: that the credentials may terminate it";
        };
        return new TerminationResult(group, request.instanceId(), outcome, detail);
    }

    private Optional<VmGroup> find(GroupRef group) {
        if (!group.provider().equals(id)) {
            return Optional.empty();
        }
        return readFleet().stream().filter(g -> g.ref().equals(group)).findFirst();
    }

    private ProviderException notFound(GroupRef group) {
        return new ProviderException(Kind.NOT_FOUND, "group " + group + " does not exist"
                + (group.provider().equals(id) ? "" : " in provider '" + id + "' (it names provider '" + group.provider() + "')"));
    }

    /** The whole fleet from one GET /groups. */
    private List<VmGroup> readFleet() {
        String body = send(HttpRequest.newBuilder(endpoint.resolve(endpoint.getPath() + "/groups")).GET(), "list groups");
        Map<GroupSummary, List<Instance>> groups = new LinkedHashMap<>();
        List<Instance> current = null;
        for (String line : body.split("\n")) {
            String[] f = line.split("\t", -1);
            if (f[0].equals("group") && f.length == 5) {
                current = new ArrayList<>();
                groups.put(new GroupSummary(new GroupRef(id, f[1], f[2]), Integer.parseInt(f[3]), tags(f[4])), current);
            } else if (f[0].equals("member") && f.length == 5 && current != null) {
                current.add(new Instance(f[1], f[2], state(f[3]), Boolean.parseBoolean(f[4]), null));
            } else if (!line.isBlank()) {
                throw new ProviderException(Kind.TRANSIENT, "list groups: unreadable line '" + line + "'");
            }
        }
        return groups.entrySet().stream().map(e -> new VmGroup(e.getKey(), e.getValue())).toList();
    }

    private static LifecycleState state(String state) {
        return switch (state) {
            case "running" -> LifecycleState.IN_SERVICE;
            case "pending" -> LifecycleState.PENDING;
            case "terminating" -> LifecycleState.TERMINATING;
            default -> LifecycleState.OUT_OF_SERVICE;
        };
    }

    private static Map<String, String> tags(String text) {
        Map<String, String> tags = new TreeMap<>();
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                tags.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return tags;
    }

    /**
     * One HTTP call, bounded by requestTimeout; every failure becomes a ProviderException with a kind. It waits for
     * the server's call gate first, so that the instance's call budget counts each request the cloud receives; a
     * refusal (THROTTLED) is passed on as it is, and nothing is sent.
     */
    private String send(HttpRequest.Builder request, String what) {
        gate.acquire(what);
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(requestTimeout).build(), HttpResponse.BodyHandlers.ofString(UTF_8));
        } catch (IOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, what + ": no answer from " + endpoint + " (" + e + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(Kind.TRANSIENT, what + ": interrupted", e);
        }
        int status = response.statusCode();
        String said = what + ": HTTP " + status + ": " + response.body().trim();
        if (status == 200) {
            return response.body();
        }
        if (status == 429) {
            Duration retryAfter = response.headers().firstValue("Retry-After").filter(v -> v.matches("\\d{1,5}"))
                    .map(v -> Duration.ofSeconds(Long.parseLong(v))).orElse(null);
            throw new ProviderException(Kind.THROTTLED, said, null, true, retryAfter);
        }
        Kind kind = status == 404 ? Kind.NOT_FOUND : status == 403 ? Kind.PERMISSION_DENIED
                : status >= 500 ? Kind.TRANSIENT : Kind.INVALID_REQUEST;
        throw new ProviderException(kind, said);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, UTF_8);
    }
}
