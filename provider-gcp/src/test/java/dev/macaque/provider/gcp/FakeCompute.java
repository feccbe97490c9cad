package dev.macaque.provider.gcp;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.cloud.compute.v1.InstanceGroupManager;
import com.google.cloud.compute.v1.InstanceGroupManagerAggregatedList;
import com.google.cloud.compute.v1.InstanceGroupManagerAllInstancesConfig;
import com.google.cloud.compute.v1.InstanceGroupManagerAutoHealingPolicy;
import com.google.cloud.compute.v1.InstanceGroupManagersListManagedInstancesResponse;
import com.google.cloud.compute.v1.InstanceGroupManagersScopedList;
import com.google.cloud.compute.v1.InstanceList;
import com.google.cloud.compute.v1.InstanceProperties;
import com.google.cloud.compute.v1.InstancePropertiesPatch;
import com.google.cloud.compute.v1.InstanceTemplate;
import com.google.cloud.compute.v1.ManagedInstance;
import com.google.cloud.compute.v1.ManagedInstanceInstanceHealth;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersListInstancesResponse;
import com.google.cloud.compute.v1.TestPermissionsRequest;
import com.google.cloud.compute.v1.TestPermissionsResponse;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful stand-in for the parts of the Compute API the provider uses, speaking Compute's JSON on 127.0.0.1.
 * Its MIGs behave like GCP's: a deleted or recreated member comes back under the same name, with a new VM id,
 * after {@code healDelay}; {@code deleteInstances} removes the member and lowers the target size. Operations
 * answer RUNNING first and DONE on the next poll. A mutating request repeating an earlier one's {@code requestId} is
 * answered with the earlier one's Operation and changes nothing, as Compute does.
 */
final class FakeCompute implements AutoCloseable {
    private static final String BASE = "/compute/v1/projects/";
    private static final JsonFormat.Printer JSON = JsonFormat.printer();

    final class Mig {
        final String project;
        final String location;
        final String name;
        final boolean regional;
        final List<String> zones;
        String templateUrl = "";
        Map<String, String> allInstancesLabels = Map.of();
        boolean healthChecked = true;
        int targetSize;
        final Map<String, Vm> members = new TreeMap<>();

        Mig(String project, String location, String name, List<String> zones) {
            this.project = project;
            this.location = location;
            this.name = name;
            this.regional = !GcpConfig.ZONE.matcher(location).matches();
            this.zones = zones;
        }

        String url() {
            return "https://www.googleapis.com/compute/v1/projects/" + project + (regional ? "/regions/" : "/zones/")
                    + location + "/instanceGroupManagers/" + name;
        }
    }

    static final class Vm {
        final String name;
        final String zone;
        long id;
        String status = "RUNNING";
        String action = "NONE";
        String health = "HEALTHY";
        Instant created;

        Vm(String name, String zone, long id, Instant created) {
            this.name = name;
            this.zone = zone;
            this.id = id;
            this.created = created;
        }
    }

    private final HttpServer server;
    private final ScheduledExecutorService healer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "fake-compute-healer");
        thread.setDaemon(true);
        return thread;
    });
    private final Duration healDelay;
    private final Map<String, Mig> migs = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> templates = new LinkedHashMap<>();
    private final Map<String, Operation> operations = new LinkedHashMap<>();
    private final Map<String, Runnable> onDone = new LinkedHashMap<>();
    /** The operation each mutating request's {@code requestId} started: Compute answers a repeat with it. */
    private final Map<String, String> operationOfRequestId = new LinkedHashMap<>();
    private String requestId;
    private final Set<String> grantedPermissions = new HashSet<>(Set.of("compute.instances.delete"));
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> requestMillis = Collections.synchronizedList(new ArrayList<>());
    private int aggregatedPageSize = Integer.MAX_VALUE;
    /** When each of {@link #requests} arrived, index for index (guarded by {@link #requests}). */
    private final List<Instant> arrivals = new ArrayList<>();
    /** Faults armed by {@link #failNext}: each answers the first later request matching it, once. */
    private final List<Fault> faults = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong(4_000_000_000_000_000_000L);
    private long operationCounter;

    FakeCompute(Duration healDelay) throws IOException {
        this.healDelay = healDelay;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread thread = new Thread(r, "fake-compute-http");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    synchronized String globalTemplate(String project, String name, Map<String, String> labels) {
        String url = "https://www.googleapis.com/compute/v1/projects/" + project + "/global/instanceTemplates/" + name;
        templates.put(url, Map.copyOf(labels));
        return url;
    }

    /** A MIG with {@code size} running, healthy members spread over {@code zones}. */
    synchronized Mig mig(String project, String location, String name, List<String> zones, int size) {
        Mig mig = new Mig(project, location, name, zones);
        mig.targetSize = size;
        for (int i = 0; i < size; i++) {
            String vmName = name + "-" + Integer.toString(36 * 36 + i * 37, 36);
            mig.members.put(vmName, new Vm(vmName, zones.get(i % zones.size()), ids.incrementAndGet(),
                    Instant.parse("2026-01-01T10:00:00Z").plusSeconds(i)));
        }
        migs.put(project + "/" + location + "/" + name, mig);
        return mig;
    }

    /** Answers {@code aggregatedList} {@code size} MIGs to a page, each page's {@code nextPageToken} naming the next. */
    synchronized FakeCompute aggregatedPageSize(int size) {
        aggregatedPageSize = size;
        return this;
    }

    /** When each request of {@link #requests()} arrived, in milliseconds since the epoch. */
    List<Long> requestMillis() {
        synchronized (requestMillis) {
            return List.copyOf(requestMillis);
        }
    }

    /**
     * A MIG made from {@code templateUrl} whose all-instances configuration carries {@code allInstancesLabels}: the
     * same as {@link #mig} with JDK types only, for tests that drive this stub from another class loader.
     */
    synchronized void mig(String project, String location, String name, List<String> zones, int size, String templateUrl,
                          Map<String, String> allInstancesLabels) {
        Mig mig = mig(project, location, name, zones, size);
        mig.templateUrl = templateUrl;
        mig.allInstancesLabels = Map.copyOf(allInstancesLabels);
    }

    /** Every member as {@code location/mig/member} to {@code "zone id status"} (id 0 while it is being recreated). */
    synchronized Map<String, String> members() {
        Map<String, String> members = new TreeMap<>();
        for (Mig mig : migs.values()) {
            mig.members.values().forEach(vm -> members.put(mig.location + "/" + mig.name + "/" + vm.name,
                    vm.zone + " " + vm.id + " " + vm.status));
        }
        return members;
    }

    private record Fault(Pattern request, int status, String json) {
    }

    /**
     * The next request whose {@code METHOD path} matches {@code request} (a regular expression, searched for) is
     * answered {@code status} with {@code json} instead of being served; nothing changes in the stub.
     */
    void failNext(String request, int status, String json) {
        synchronized (faults) {
            faults.add(new Fault(Pattern.compile(request), status, json));
        }
    }

    /** Faults armed by {@link #failNext} that no request has met yet. */
    int faultsPending() {
        synchronized (faults) {
            return faults.size();
        }
    }

    /** When each request of {@link #requests()} arrived, in the same order. */
    List<Instant> arrivals() {
        synchronized (requests) {
            return List.copyOf(arrivals);
        }
    }

    synchronized void revoke(String permission) {
        grantedPermissions.remove(permission);
    }

    /** Requests seen, as {@code METHOD path}. */
    List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        healer.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            synchronized (requests) {
                requests.add(method + " " + path);
                requestMillis.add(System.currentTimeMillis());
                arrivals.add(Instant.now());
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            Reply reply = injectedFault(method + " " + path);
            if (reply == null) {
                synchronized (this) {
                    reply = route(method, path.startsWith(BASE) ? path.substring(BASE.length()) : path, query, body);
                }
            }
            byte[] bytes = reply.json.getBytes(UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
            exchange.sendResponseHeaders(reply.status, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    private record Reply(int status, String json) {
    }

    private Reply injectedFault(String request) {
        synchronized (faults) {
            for (Fault fault : faults) {
                if (fault.request().matcher(request).find()) {
                    faults.remove(fault);
                    return new Reply(fault.status(), fault.json());
                }
            }
        }
        return null;
    }

    private static final Pattern AGGREGATED = Pattern.compile("([^/]+)/aggregated/instanceGroupManagers");
    private static final Pattern MIG = Pattern.compile("([^/]+)/(zones|regions)/([^/]+)/instanceGroupManagers/([^/]+)(/[a-zA-Z]+)?");
    private static final Pattern TEMPLATE = Pattern.compile("([^/]+)/global/instanceTemplates/([^/]+)");
    private static final Pattern VMS = Pattern.compile("([^/]+)/zones/([^/]+)/instances");
    private static final Pattern VM = Pattern.compile("([^/]+)/zones/([^/]+)/instances/([^/]+)(/testIamPermissions)?");
    private static final Pattern OPERATION = Pattern.compile("([^/]+)/(zones|regions)/([^/]+)/operations/([^/]+)");
    private static final Pattern FILTER_NAME = Pattern.compile("name = \"([^\"]+)\"");

    private Reply route(String method, String path, Map<String, String> query, String body) {
        if (path.equals("/token") && method.equals("POST")) {
            // OAuth token exchange of a service-account key whose token_uri points here
            return new Reply(200, "{\"access_token\": \"fake-compute-token\", \"expires_in\": 3600,"
                    + " \"token_type\": \"Bearer\"}");
        }
        requestId = method.equals("GET") ? null : query.get("requestId");
        if (requestId != null && operationOfRequestId.containsKey(requestId)) {
            return ok(operations.get(operationOfRequestId.get(requestId))); // Compute ignores the repeat
        }
        Matcher m;
        if ((m = AGGREGATED.matcher(path)).matches() && method.equals("GET")) {
            InstanceGroupManagerAggregatedList.Builder list = InstanceGroupManagerAggregatedList.newBuilder();
            Map<String, InstanceGroupManagersScopedList.Builder> scopes = new TreeMap<>();
            String project = m.group(1);
            List<Mig> ofProject = migs.values().stream().filter(mig -> mig.project.equals(project)).toList();
            int from = query.containsKey("pageToken") ? Integer.parseInt(query.get("pageToken")) : 0;
            int to = (int) Math.min(ofProject.size(), (long) from + aggregatedPageSize);
            for (Mig mig : ofProject.subList(from, to)) {
                scopes.computeIfAbsent((mig.regional ? "regions/" : "zones/") + mig.location,
                        k -> InstanceGroupManagersScopedList.newBuilder()).addInstanceGroupManagers(resource(mig));
            }
            scopes.forEach((scope, items) -> list.putItems(scope, items.build()));
            if (to < ofProject.size()) {
                list.setNextPageToken(String.valueOf(to));
            }
            return ok(list.build());
        }
        if ((m = MIG.matcher(path)).matches()) {
            Mig mig = migs.get(m.group(1) + "/" + m.group(3) + "/" + m.group(4));
            if (mig == null || mig.regional != m.group(2).equals("regions")) {
                return notFound("projects/" + m.group(1) + "/" + m.group(2) + "/" + m.group(3)
                        + "/instanceGroupManagers/" + m.group(4));
            }
            String verb = m.group(5) == null ? "" : m.group(5).substring(1);
            switch (verb) {
                case "":
                    return ok(resource(mig));
                case "listManagedInstances": {
                    List<ManagedInstance> managed = mig.members.values().stream().map(vm -> managed(mig, vm)).toList();
                    return ok(mig.regional
                            ? RegionInstanceGroupManagersListInstancesResponse.newBuilder().addAllManagedInstances(managed).build()
                            : InstanceGroupManagersListManagedInstancesResponse.newBuilder().addAllManagedInstances(managed).build());
                }
                case "recreateInstances":
                case "deleteInstances": {
                    List<String> names = new ArrayList<>();
                    Matcher url = Pattern.compile("instances/([a-z0-9-]+)\"").matcher(body);
                    while (url.find()) {
                        names.add(url.group(1));
                    }
                    for (String name : names) {
                        if (!mig.members.containsKey(name)) {
                            return error(400, "The instance " + name + " is not a member of " + mig.name, "invalid");
                        }
                    }
                    boolean recreate = verb.equals("recreateInstances");
                    return operation(mig.regional ? "regions" : "zones", mig.location, verb, mig.url(), () -> {
                        for (String name : names) {
                            if (recreate) {
                                replace(mig, mig.members.get(name));
                            } else {
                                mig.members.remove(name);
                                mig.targetSize--;
                            }
                        }
                    });
                }
                default:
                    return error(400, "unsupported " + verb, "invalid");
            }
        }
        if ((m = TEMPLATE.matcher(path)).matches()) {
            String url = "https://www.googleapis.com/compute/v1/projects/" + m.group(1) + "/global/instanceTemplates/"
                    + m.group(2);
            Map<String, String> labels = templates.get(url);
            if (labels == null) {
                return notFound("projects/" + m.group(1) + "/global/instanceTemplates/" + m.group(2));
            }
            return ok(InstanceTemplate.newBuilder().setName(m.group(2)).setSelfLink(url)
                    .setProperties(InstanceProperties.newBuilder().putAllLabels(labels)).build());
        }
        if ((m = VMS.matcher(path)).matches() && method.equals("GET")) {
            Set<String> wanted = new HashSet<>();
            Matcher names = FILTER_NAME.matcher(query.getOrDefault("filter", ""));
            while (names.find()) {
                wanted.add(names.group(1));
            }
            InstanceList.Builder list = InstanceList.newBuilder();
            for (Mig mig : migs.values()) {
                for (Vm vm : mig.members.values()) {
                    if (mig.project.equals(m.group(1)) && vm.zone.equals(m.group(2)) && vm.id != 0
                            && (wanted.isEmpty() || wanted.contains(vm.name))) {
                        list.addItems(com.google.cloud.compute.v1.Instance.newBuilder().setName(vm.name).setId(vm.id)
                                .setStatus(vm.status).setZone(vm.zone)
                                .setCreationTimestamp(vm.created.atOffset(ZoneOffset.ofHours(-8)).toString()));
                    }
                }
            }
            return ok(list.build());
        }
        if ((m = VM.matcher(path)).matches()) {
            String project = m.group(1);
            String zone = m.group(2);
            String name = m.group(3);
            Mig owner = null;
            Vm vm = null;
            for (Mig mig : migs.values()) {
                Vm candidate = mig.members.get(name);
                if (mig.project.equals(project) && candidate != null && candidate.zone.equals(zone) && candidate.id != 0) {
                    owner = mig;
                    vm = candidate;
                }
            }
            if (vm == null) {
                return notFound("projects/" + project + "/zones/" + zone + "/instances/" + name);
            }
            if (m.group(4) != null) {
                TestPermissionsRequest asked = parse(body, TestPermissionsRequest.newBuilder());
                return ok(TestPermissionsResponse.newBuilder().addAllPermissions(asked.getPermissionsList().stream()
                        .filter(grantedPermissions::contains).toList()).build());
            }
            if (method.equals("DELETE")) {
                Mig mig = owner;
                Vm victim = vm;
                victim.status = "STOPPING";
                return operation("zones", zone, "delete", "projects/" + project + "/zones/" + zone + "/instances/" + name,
                        () -> replace(mig, victim));
            }
        }
        if ((m = OPERATION.matcher(path)).matches()) {
            Operation op = operations.get(m.group(4));
            if (op == null) {
                return notFound("projects/" + m.group(1) + "/" + m.group(2) + "/" + m.group(3) + "/operations/" + m.group(4));
            }
            if (op.getStatus() != Operation.Status.DONE) {
                op = op.toBuilder().setStatus(Operation.Status.DONE).setProgress(100).build();
                operations.put(op.getName(), op);
                onDone.remove(op.getName()).run();
            }
            return ok(op);
        }
        return error(400, "FakeCompute does not know " + method + " " + path, "invalid");
    }

    /** The VM is gone: the MIG shows the member as being recreated and brings it back with a new id. */
    private void replace(Mig mig, Vm vm) {
        vm.id = 0;
        vm.status = "";
        vm.action = "RECREATING";
        vm.health = "";
        healer.schedule(() -> {
            synchronized (FakeCompute.this) {
                if (mig.members.get(vm.name) == vm && vm.action.equals("RECREATING")) {
                    vm.id = ids.incrementAndGet();
                    vm.status = "RUNNING";
                    vm.action = "NONE";
                    vm.health = "HEALTHY";
                    vm.created = Instant.parse("2026-01-02T10:00:00Z");
                }
            }
        }, healDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Reply operation(String scopeKind, String scope, String type, String target, Runnable effect) {
        String name = "operation-" + (++operationCounter) + "-" + type;
        Operation.Builder op = Operation.newBuilder().setKind("compute#operation").setName(name)
                .setOperationType(type).setTargetLink(target).setStatus(Operation.Status.RUNNING).setProgress(0)
                .setSelfLink(endpoint() + BASE + "p/" + scopeKind + "/" + scope + "/operations/" + name);
        if (scopeKind.equals("zones")) {
            op.setZone("https://www.googleapis.com/compute/v1/projects/p/zones/" + scope);
        } else {
            op.setRegion("https://www.googleapis.com/compute/v1/projects/p/regions/" + scope);
        }
        operations.put(name, op.build());
        onDone.put(name, effect);
        if (requestId != null) {
            operationOfRequestId.put(requestId, name);
        }
        return ok(op.build());
    }

    private InstanceGroupManager resource(Mig mig) {
        InstanceGroupManager.Builder igm = InstanceGroupManager.newBuilder().setName(mig.name)
                .setSelfLink(mig.url()).setTargetSize(mig.targetSize).setInstanceTemplate(mig.templateUrl)
                .setBaseInstanceName(mig.name);
        String scope = "https://www.googleapis.com/compute/v1/projects/" + mig.project;
        if (mig.regional) {
            igm.setRegion(scope + "/regions/" + mig.location);
        } else {
            igm.setZone(scope + "/zones/" + mig.location);
        }
        if (!mig.allInstancesLabels.isEmpty()) {
            igm.setAllInstancesConfig(InstanceGroupManagerAllInstancesConfig.newBuilder()
                    .setProperties(InstancePropertiesPatch.newBuilder().putAllLabels(mig.allInstancesLabels)));
        }
        if (mig.healthChecked) {
            igm.addAutoHealingPolicies(InstanceGroupManagerAutoHealingPolicy.newBuilder()
                    .setHealthCheck(scope + "/global/healthChecks/" + mig.name + "-hc").setInitialDelaySec(60));
        }
        return igm.build();
    }

    private ManagedInstance managed(Mig mig, Vm vm) {
        ManagedInstance.Builder managed = ManagedInstance.newBuilder().setName(vm.name).setCurrentAction(vm.action)
                .setInstance("https://www.googleapis.com/compute/v1/projects/" + mig.project + "/zones/" + vm.zone
                        + "/instances/" + vm.name);
        if (vm.id != 0) {
            managed.setId(vm.id);
        }
        if (!vm.status.isEmpty()) {
            managed.setInstanceStatus(vm.status);
        }
        if (mig.healthChecked && !vm.health.isEmpty()) {
            managed.addInstanceHealth(ManagedInstanceInstanceHealth.newBuilder().setDetailedHealthState(vm.health)
                    .setHealthCheck("https://www.googleapis.com/compute/v1/projects/" + mig.project
                            + "/global/healthChecks/" + mig.name + "-hc"));
        }
        return managed.build();
    }

    private static Reply ok(Message message) {
        try {
            return new Reply(200, JSON.print(message));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Reply notFound(String resource) {
        return error(404, "The resource '" + resource + "' was not found", "notFound");
    }

    static Reply error(int status, String message, String reason) {
        String quoted = message.replace("\"", "'");
        return new Reply(status, "{\"error\":{\"code\":" + status + ",\"message\":\"" + quoted
                + "\",\"errors\":[{\"message\":\"" + quoted + "\",\"domain\":\"global\",\"reason\":\"" + reason
                + "\"}]}}");
    }

    @SuppressWarnings("unchecked")
    private static <T extends Message> T parse(String json, Message.Builder builder) {
        try {
            JsonFormat.parser().ignoringUnknownFields().merge(json, builder);
            return (T) builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, eq), UTF_8), URLDecoder.decode(pair.substring(eq + 1), UTF_8));
                }
            }
        }
        return query;
    }
}
