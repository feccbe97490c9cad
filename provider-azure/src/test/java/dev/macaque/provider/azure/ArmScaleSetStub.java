package dev.macaque.provider.azure;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A stateful stand-in for the few Azure Resource Manager endpoints the provider uses, speaking ARM's JSON on 127.0.0.1:
 * scale sets by subscription and resource group, one scale set (GET, PATCH capacity), its instances (list, get,
 * delete, power actions), the batch delete of several instances ({@code POST .../virtualMachineScaleSets/{name}/delete}
 * with {@code {"instanceIds": [...]}}, VirtualMachineScaleSets_DeleteInstances), the caller's permissions, and
 * long-running operations with {@code Azure-AsyncOperation} and {@code Location} headers (in progress on the first
 * poll, done on the second).
 *
 * <p>It behaves as Azure does for a Uniform scale set: deleting instances lowers the capacity by the number deleted;
 * whenever capacity exceeds the instances that are not being deleted, it creates instances with new, never reused ids,
 * which turn running and healthy after {@code healDelay}. A batch delete naming an id that is not an active member is
 * refused whole, as ARM does: HTTP 400 {@code InvalidParameter} "The provided instanceId N is not an active Virtual
 * Machine Scale Set VM instanceId." (target {@code instanceIds}), and nothing is deleted.
 *
 * <p>Served over https when given a TLS context (the SDK's bearer-token policy sends tokens over https only, so a
 * provider configured as in production needs it). {@link #throttleWhen} sees every request as it arrives and may
 * have it answered as ARM throttles.
 */
final class ArmScaleSetStub implements AutoCloseable {
    private static final Pattern SCALE_SETS_OF_SUBSCRIPTION = Pattern.compile(
            "/subscriptions/([^/]+)/providers/Microsoft\\.Compute/virtualMachineScaleSets");
    private static final Pattern SCALE_SETS_OF_GROUP = Pattern.compile(
            "/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.Compute/virtualMachineScaleSets");
    private static final Pattern SCALE_SET = Pattern.compile(
            "/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.Compute/virtualMachineScaleSets/([^/]+)");
    private static final Pattern MEMBERS = Pattern.compile(SCALE_SET.pattern() + "/virtualMachines");
    private static final Pattern DELETE_INSTANCES = Pattern.compile(SCALE_SET.pattern() + "/delete");
    private static final Pattern INSTANCE_IDS = Pattern.compile("\"instanceIds\"\\s*:\\s*\\[([^\\]]*)\\]");
    private static final Pattern MEMBER = Pattern.compile(SCALE_SET.pattern() + "/virtualMachines/([^/]+)(?:/([A-Za-z]+))?");
    private static final Pattern PERMISSIONS = Pattern.compile(
            "/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.Compute/virtualMachineScaleSets/([^/]+)"
                    + "/providers/Microsoft\\.Authorization/permissions", Pattern.CASE_INSENSITIVE);
    private static final Pattern OPERATION = Pattern.compile("/subscriptions/([^/]+)/providers/Microsoft\\.Compute/locations/([^/]+)/operations/([^/]+)");
    private static final Pattern CAPACITY = Pattern.compile("\"capacity\"\\s*:\\s*(\\d+)");

    private final HttpServer server;
    private final Duration healDelay;
    private final Map<String, ScaleSet> scaleSets = new LinkedHashMap<>();
    private final Map<String, Operation> operations = new LinkedHashMap<>();
    private final List<String> mutations = new ArrayList<>();
    private final List<String> requests = new ArrayList<>();
    private final List<List<String>> deleteInstancesCalls = new ArrayList<>();
    private final List<Long> requestMillis = new ArrayList<>();
    private int pageSize = Integer.MAX_VALUE;
    private int throttleNext;
    private final AtomicInteger operationIds = new AtomicInteger();
    private String[] failNextDeleteInstances;
    private boolean stalled;
    private String[] vanishBeforeNextDeleteInstances;
    private volatile Predicate<String> throttle = request -> false;

    ArmScaleSetStub(Duration healDelay) throws IOException {
        this(healDelay, null);
    }

    /** @param tls serve https with this context, or plain http when null */
    ArmScaleSetStub(Duration healDelay, SSLContext tls) throws IOException {
        this.healDelay = healDelay;
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        if (tls == null) {
            this.server = HttpServer.create(loopback, 0);
        } else {
            HttpsServer https = HttpsServer.create(loopback, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            this.server = https;
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    String baseUrl() {
        return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /**
     * Shows {@code throttle} every request as it arrives, as {@code METHOD path}; a request it answers {@code true}
     * for is answered as ARM answers when a subscription's read or write quota is used up: HTTP 429,
     * {@code Retry-After: 1} and ARM's error body.
     */
    ArmScaleSetStub throttleWhen(Predicate<String> throttle) {
        this.throttle = throttle;
        return this;
    }

    /** Forgets everything: scale sets, operations, recorded mutations. */
    synchronized ArmScaleSetStub reset() {
        scaleSets.clear();
        operations.clear();
        mutations.clear();
        requests.clear();
        deleteInstancesCalls.clear();
        failNextDeleteInstances = null;
        vanishBeforeNextDeleteInstances = null;
        stalled = false;
        return this;
    }

    /** Adds a Uniform scale set whose instances (ids from {@code firstInstanceId}) are running and healthy. */
    synchronized ArmScaleSetStub scaleSet(String subscription, String resourceGroup, String name, String location,
                                          int capacity, Map<String, String> tags, int firstInstanceId) {
        return scaleSet(subscription, resourceGroup, name, location, capacity, tags, firstInstanceId, "1", "2", "3");
    }

    /** Adds a Uniform scale set whose instances are running and healthy, put in {@code zones} in turn. */
    synchronized ArmScaleSetStub scaleSet(String subscription, String resourceGroup, String name, String location,
                                          int capacity, Map<String, String> tags, int firstInstanceId, String... zones) {
        ScaleSet scaleSet = new ScaleSet(subscription, resourceGroup, name, location, tags, "Uniform");
        scaleSet.capacity = capacity;
        scaleSet.nextId = firstInstanceId;
        for (int i = 0; i < capacity; i++) {
            Member member = new Member(String.valueOf(scaleSet.nextId++), zones[i % zones.length]);
            member.provisioning = "Succeeded";
            member.power = "running";
            scaleSet.members.put(Integer.parseInt(member.instanceId), member);
        }
        scaleSets.put(key(subscription, resourceGroup, name), scaleSet);
        return this;
    }

    /** Adds a Flexible-orchestration scale set (no instances listed through the scale-set VM API). */
    synchronized ArmScaleSetStub flexibleScaleSet(String subscription, String resourceGroup, String name, String location,
                                                  int capacity, Map<String, String> tags) {
        ScaleSet scaleSet = new ScaleSet(subscription, resourceGroup, name, location, tags, "Flexible");
        scaleSet.capacity = capacity;
        scaleSets.put(key(subscription, resourceGroup, name), scaleSet);
        return this;
    }

    /** Every request received, as {@code METHOD path}, in order. */
    synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    synchronized void forgetRequests() {
        requests.clear();
        requestMillis.clear();
    }

    /** When each request of {@link #requests()} arrived, in milliseconds since the epoch. */
    synchronized List<Long> requestMillis() {
        return List.copyOf(requestMillis);
    }

    /** Answers the next {@code count} requests with ARM's throttling: 429 with {@code Retry-After: 0}. */
    synchronized ArmScaleSetStub throttleNext(int count) {
        throttleNext = count;
        return this;
    }

    /** Lists a subscription's scale sets {@code size} to a page, each page's {@code nextLink} naming the next. */
    synchronized ArmScaleSetStub pageSize(int size) {
        pageSize = size;
        return this;
    }

    /** Mutating requests received, as {@code METHOD path}, in order. */
    synchronized List<String> mutations() {
        return List.copyOf(mutations);
    }

    /** The instance ids of every batch delete received (whether ARM accepted it or not), in order. */
    synchronized List<List<String>> deleteInstancesCalls() {
        return List.copyOf(deleteInstancesCalls);
    }

    /** Long-running operations stay in progress, however often they are polled, until {@link #finishOperations}. */
    synchronized void stallOperations() {
        stalled = true;
    }

    /** Azure finishes every operation in progress (as it would after a long delete), and stops stalling them. */
    synchronized void finishOperations() {
        stalled = false;
        operations.values().forEach(operation -> operation.completion.run());
        operations.clear();
    }

    /** The next batch delete is accepted, then its operation ends {@code Failed} with this error; nothing is deleted. */
    synchronized void failNextDeleteInstances(String code, String message) {
        failNextDeleteInstances = new String[] {code, message};
    }

    /**
     * Right before the next batch delete is handled, the instance leaves the scale set as a scale-in takes it (gone,
     * capacity one lower): what happens when another actor wins the race between the provider's read and its delete.
     */
    synchronized void vanishBeforeNextDeleteInstances(String subscription, String resourceGroup, String name, String instanceId) {
        vanishBeforeNextDeleteInstances = new String[] {key(subscription, resourceGroup, name), instanceId};
    }

    /** Azure starts deleting the instance (provisioning {@code Deleting}), as another actor's delete does. */
    synchronized void startDeleting(String subscription, String resourceGroup, String name, String instanceId) {
        ScaleSet scaleSet = scaleSets.get(key(subscription, resourceGroup, name));
        scaleSet.members.get(Integer.parseInt(instanceId)).provisioning = "Deleting";
        scaleSet.capacity--;
    }

    /** The instance is gone, with the capacity it took, as after a scale-in. */
    synchronized void remove(String subscription, String resourceGroup, String name, String instanceId) {
        ScaleSet scaleSet = scaleSets.get(key(subscription, resourceGroup, name));
        scaleSet.members.remove(Integer.parseInt(instanceId));
        scaleSet.capacity--;
    }

    /** The scale set's instance ids, in order, whatever their state. */
    synchronized List<String> instanceIds(String subscription, String resourceGroup, String name) {
        return scaleSets.get(key(subscription, resourceGroup, name)).members.values().stream().map(m -> m.instanceId).toList();
    }

    /** Instance id to zone of a scale set's instances that are not being deleted, in id order. */
    synchronized Map<String, String> instances(String subscription, String resourceGroup, String name) {
        Map<String, String> instances = new LinkedHashMap<>();
        scaleSets.get(key(subscription, resourceGroup, name)).members.values().stream()
                .filter(member -> !member.provisioning.equals("Deleting"))
                .forEach(member -> instances.put(member.instanceId, member.zone));
        return instances;
    }

    synchronized long capacity(String subscription, String resourceGroup, String name) {
        return scaleSets.get(key(subscription, resourceGroup, name)).capacity;
    }

    @Override
    public void close() {
        server.stop(0);
        if (server.getExecutor() instanceof java.util.concurrent.ExecutorService threads) {
            threads.shutdownNow();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        Reply reply;
        try (InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String request = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            boolean throttled = throttle.test(request);
            synchronized (this) {
                heal();
                reply = throttled ? throttled(request) : route(exchange.getRequestMethod(), exchange.getRequestURI(), body);
            }
        } catch (RuntimeException e) {
            reply = new Reply(500, ArmJson.error("InternalServerError", String.valueOf(e)), Map.of());
        }
        byte[] bytes = reply.body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        reply.headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.sendResponseHeaders(reply.status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** ARM's answer to a request over the subscription's quota (recorded, not routed). */
    private Reply throttled(String request) {
        requests.add(request);
        return new Reply(429, ArmJson.error("TooManyRequests", "The request is being throttled as the limit has been reached"
                + " for operation type - Read_30Min. For more information, see - https://aka.ms/srpthrottlinglimits"),
                Map.of("Retry-After", "1", "x-ms-ratelimit-remaining-subscription-reads", "0"));
    }

    private Reply route(String method, URI uri, String body) {
        String path = uri.getPath();
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        requests.add(method + " " + path);
        requestMillis.add(System.currentTimeMillis());
        if (throttleNext > 0) {
            throttleNext--;
            return new Reply(429, ArmJson.error("TooManyRequests", "The request is being throttled."), Map.of("Retry-After", "0"));
        }
        if (!method.equals("GET")) {
            mutations.add(method + " " + path);
        }
        Matcher m;
        if (method.equals("GET") && (m = OPERATION.matcher(path)).matches()) {
            if (query.contains("monitor=true")) {
                return new Reply(200, "", Map.of());
            }
            Operation operation = operations.get(m.group(3));
            if (operation != null && (stalled || operation.pollsLeft-- > 0)) {
                return new Reply(200, ArmJson.asyncStatus("InProgress"), Map.of("Retry-After", "0"));
            }
            if (operation != null) {
                operations.remove(m.group(3));
                operation.completion.run();
                if (operation.failure != null) {
                    return ok(ArmJson.asyncFailure(operation.failure[0], operation.failure[1]));
                }
            }
            return ok(ArmJson.asyncStatus("Succeeded"));
        }
        if (method.equals("GET") && (m = PERMISSIONS.matcher(path)).matches()) {
            return ok(ArmJson.permissions(List.of("*"), List.of()));
        }
        if (method.equals("GET") && (m = SCALE_SETS_OF_SUBSCRIPTION.matcher(path)).matches()) {
            String subscription = m.group(1);
            List<String> all = scaleSets.values().stream().filter(s -> s.subscription.equals(subscription))
                    .map(ScaleSet::json).toList();
            Matcher skip = Pattern.compile("(?:^|&)skip=(\\d+)").matcher(query);
            int from = skip.find() ? Integer.parseInt(skip.group(1)) : 0;
            int to = (int) Math.min(all.size(), (long) from + pageSize);
            return ok(ArmJson.page(all.subList(from, to), to < all.size()
                    ? baseUrl() + path.substring(1) + "?api-version=" + ArmJson.API_VERSION + "&skip=" + to : null));
        }
        if (method.equals("GET") && (m = SCALE_SETS_OF_GROUP.matcher(path)).matches()) {
            String subscription = m.group(1);
            String resourceGroup = m.group(2);
            return ok(ArmJson.page(scaleSets.values().stream().filter(s -> s.subscription.equals(subscription)
                    && s.resourceGroup.equalsIgnoreCase(resourceGroup)).map(ScaleSet::json).toList(), null));
        }
        if (method.equals("POST") && (m = DELETE_INSTANCES.matcher(path)).matches()) {
            return deleteInstances(key(m.group(1), m.group(2), m.group(3)), m.group(3), m.group(2), body);
        }
        if ((m = SCALE_SET.matcher(path)).matches()) {
            ScaleSet scaleSet = scaleSets.get(key(m.group(1), m.group(2), m.group(3)));
            if (scaleSet == null) {
                return notFound("The Resource 'Microsoft.Compute/virtualMachineScaleSets/" + m.group(3) + "' under resource group '"
                        + m.group(2) + "' was not found.", "ResourceNotFound");
            }
            if (method.equals("PATCH")) {
                Matcher capacity = CAPACITY.matcher(body);
                if (capacity.find()) {
                    scaleSet.capacity = Long.parseLong(capacity.group(1));
                    heal();
                }
            }
            return ok(scaleSet.json());
        }
        if (method.equals("GET") && (m = MEMBERS.matcher(path)).matches()) {
            ScaleSet scaleSet = scaleSets.get(key(m.group(1), m.group(2), m.group(3)));
            if (scaleSet == null) {
                return notFound("scale set not found", "ResourceNotFound");
            }
            return ok(ArmJson.page(scaleSet.members.values().stream().map(member -> member.json(scaleSet)).toList(), null));
        }
        if ((m = MEMBER.matcher(path)).matches()) {
            ScaleSet scaleSet = scaleSets.get(key(m.group(1), m.group(2), m.group(3)));
            Member member = scaleSet == null || !m.group(4).matches("\\d+") ? null
                    : scaleSet.members.get(Integer.parseInt(m.group(4)));
            if (member == null) {
                return notFound("The entity was not found in this Azure location.", "NotFound");
            }
            String action = m.group(5);
            if (method.equals("GET") && action == null) {
                return ok(member.json(scaleSet));
            }
            if (method.equals("DELETE") && action == null) {
                member.provisioning = "Deleting";
                scaleSet.capacity--; // what Azure does to a Uniform scale set's capacity on instance delete
                return accepted(scaleSet, () -> scaleSet.members.remove(Integer.parseInt(member.instanceId)));
            }
            if (method.equals("POST") && action != null) {
                return switch (action) {
                    case "deallocate" -> accepted(scaleSet, () -> member.power = "deallocated");
                    case "powerOff" -> accepted(scaleSet, () -> member.power = "stopped");
                    case "restart", "reimage" -> accepted(scaleSet, () -> member.power = "running");
                    default -> notFound("no action " + action, "InvalidResourceType");
                };
            }
        }
        return notFound("The resource type could not be found: " + method + " " + path, "InvalidResourceType");
    }

    /** VirtualMachineScaleSets_DeleteInstances: all or nothing, 202 with a long-running operation. */
    private Reply deleteInstances(String scaleSetKey, String name, String resourceGroup, String body) {
        Matcher ids = INSTANCE_IDS.matcher(body);
        List<String> instanceIds = new ArrayList<>();
        if (ids.find()) {
            for (String id : ids.group(1).split(",")) {
                if (!id.isBlank()) {
                    instanceIds.add(id.trim().replace("\"", ""));
                }
            }
        }
        deleteInstancesCalls.add(List.copyOf(instanceIds));
        if (vanishBeforeNextDeleteInstances != null && vanishBeforeNextDeleteInstances[0].equals(scaleSetKey)) {
            ScaleSet owner = scaleSets.get(scaleSetKey);
            if (owner.members.remove(Integer.parseInt(vanishBeforeNextDeleteInstances[1])) != null) {
                owner.capacity--;
            }
            vanishBeforeNextDeleteInstances = null;
        }
        ScaleSet scaleSet = scaleSets.get(scaleSetKey);
        if (scaleSet == null) {
            return notFound("The Resource 'Microsoft.Compute/virtualMachineScaleSets/" + name + "' under resource group '"
                    + resourceGroup + "' was not found.", "ResourceNotFound");
        }
        if (instanceIds.isEmpty()) {
            return invalidParameter("Required parameter 'instanceIds' is missing (null).");
        }
        List<Member> members = new ArrayList<>();
        for (String id : instanceIds) {
            if (!id.matches("\\d+")) {
                return invalidParameter("The provided instanceId " + id
                        + " is invalid. It must be a non-negative integer or the character \"*\".");
            }
            Member member = scaleSet.members.get(Integer.parseInt(id));
            if (member == null) {
                return invalidParameter("The provided instanceId " + id
                        + " is not an active Virtual Machine Scale Set VM instanceId.");
            }
            members.add(member);
        }
        List<Member> starting = members.stream().filter(member -> !member.provisioning.equals("Deleting")).toList();
        starting.forEach(member -> member.provisioning = "Deleting");
        scaleSet.capacity -= starting.size(); // what Azure does to a Uniform scale set's capacity
        String[] failure = failNextDeleteInstances;
        failNextDeleteInstances = null;
        if (failure != null) {
            return accepted(scaleSet, () -> {
                starting.forEach(member -> member.provisioning = "Succeeded");
                scaleSet.capacity += starting.size();
            }, failure);
        }
        return accepted(scaleSet, () -> members.forEach(member -> scaleSet.members.remove(Integer.parseInt(member.instanceId))));
    }

    private static Reply invalidParameter(String message) {
        return new Reply(400, "{\"error\":{\"code\":\"InvalidParameter\",\"message\":" + ArmJson.quote(message)
                + ",\"target\":\"instanceIds\"}}", Map.of());
    }

    /** Azure's side of a Uniform scale set: finish boots, and create instances up to capacity. */
    private void heal() {
        long now = System.nanoTime();
        for (ScaleSet scaleSet : scaleSets.values()) {
            if (!scaleSet.orchestration.equals("Uniform")) {
                continue;
            }
            for (Member member : scaleSet.members.values()) {
                if (member.provisioning.equals("Creating") && now >= member.readyAt) {
                    member.provisioning = "Succeeded";
                    member.power = "running";
                }
            }
            long live = scaleSet.members.values().stream().filter(member -> !member.provisioning.equals("Deleting")).count();
            for (long i = live; i < scaleSet.capacity; i++) {
                Member fresh = new Member(String.valueOf(scaleSet.nextId++), "1");
                fresh.provisioning = "Creating";
                fresh.readyAt = now + healDelay.toNanos();
                scaleSet.members.put(Integer.parseInt(fresh.instanceId), fresh);
            }
        }
    }

    private Reply accepted(ScaleSet scaleSet, Runnable completion) {
        return accepted(scaleSet, completion, null);
    }

    private Reply accepted(ScaleSet scaleSet, Runnable completion, String[] failure) {
        String id = "op-" + operationIds.incrementAndGet();
        operations.put(id, new Operation(completion, failure));
        String operation = baseUrl() + "subscriptions/" + scaleSet.subscription + "/providers/Microsoft.Compute/locations/"
                + scaleSet.location + "/operations/" + id + "?api-version=" + ArmJson.API_VERSION;
        return new Reply(202, "", Map.of("Azure-AsyncOperation", operation, "Location", operation + "&monitor=true",
                "Retry-After", "0"));
    }

    private static Reply ok(String body) {
        return new Reply(200, body, Map.of());
    }

    private static Reply notFound(String message, String code) {
        return new Reply(404, ArmJson.error(code, message), Map.of());
    }

    private static String key(String subscription, String resourceGroup, String name) {
        return (subscription + "/" + resourceGroup + "/" + name).toLowerCase(Locale.ROOT);
    }

    private record Reply(int status, String body, Map<String, String> headers) {
    }

    /**
     * A long-running operation: reported in progress on its first poll, completed on the next ({@code Failed} with
     * {@code failure}'s code and message when it has one).
     */
    private static final class Operation {
        final Runnable completion;
        final String[] failure;
        int pollsLeft = 1;

        Operation(Runnable completion, String[] failure) {
            this.completion = completion;
            this.failure = failure;
        }
    }

    private static final class ScaleSet {
        final String subscription;
        final String resourceGroup;
        final String name;
        final String location;
        final Map<String, String> tags;
        final String orchestration;
        final TreeMap<Integer, Member> members = new TreeMap<>();
        long capacity;
        int nextId;

        ScaleSet(String subscription, String resourceGroup, String name, String location, Map<String, String> tags,
                 String orchestration) {
            this.subscription = subscription;
            this.resourceGroup = resourceGroup;
            this.name = name;
            this.location = location;
            this.tags = new TreeMap<>(tags);
            this.orchestration = orchestration;
        }

        String json() {
            return ArmJson.scaleSet(subscription, resourceGroup, name, location, capacity, tags, orchestration);
        }
    }

    private static final class Member {
        final String instanceId;
        final String zone;
        String provisioning;
        String power;
        long readyAt;

        Member(String instanceId, String zone) {
            this.instanceId = instanceId;
            this.zone = zone;
        }

        String json(ScaleSet scaleSet) {
            return ArmJson.member(scaleSet.subscription, scaleSet.resourceGroup, scaleSet.name, scaleSet.location, instanceId,
                    zone, provisioning, power, power != null && power.equals("running") ? "healthy" : null);
        }
    }
}
