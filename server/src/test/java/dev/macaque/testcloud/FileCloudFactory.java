package dev.macaque.testcloud;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.ConfigKey;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.Instance;
import dev.macaque.spi.LifecycleState;
import dev.macaque.spi.ProviderContext;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderFactory;
import dev.macaque.spi.SpiVersion;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.VmGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A built-in provider type {@code filecloud}, only on the test class path: a cloud whose state lives in files, so
 * that it outlives a server process killed with SIGKILL and the next process sees what really happened. Every real
 * termination is appended to {@code terminations.log} (what the provider saw). A killed member is replaced at once
 * by a member that is healthy {@code healAfterMillis} later.
 *
 * <p>Step boundaries for crash tests: while a file {@code hold-<point>} exists in the folder the provider waits at
 * that point, after writing {@code reached-<point>}. Points: {@code before-terminate}, {@code after-terminate} (the
 * instance is already gone), {@code health}.
 */
public final class FileCloudFactory implements ProviderFactory {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String type() {
        return "filecloud";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public String description() {
        return "file-backed test cloud that survives the process";
    }

    @Override
    public List<ConfigKey> configKeys() {
        return List.of(ConfigKey.required("dir", "the folder holding the cloud's state"),
                ConfigKey.required("groups", "region:name:size,... (created when the folder has no state yet)"),
                ConfigKey.optional("healAfterMillis", "how long a replacement takes to become healthy", "100"));
    }

    @Override
    public CloudProvider create(ProviderContext context) {
        Path dir = Path.of(context.config().get("dir"));
        long healAfter = Long.parseLong(context.config().getOrDefault("healAfterMillis", "100"));
        FileCloud cloud = new FileCloud(context.instanceId(), dir, healAfter);
        cloud.initialise(context.config().get("groups"));
        return cloud;
    }

    /** Every real termination the cloud performed, in order, as {@code provider/region/group/instance}. */
    public static List<String> terminations(Path dir) {
        try {
            Path log = dir.resolve("terminations.log");
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final class FileCloud implements CloudProvider {
        private final String id;
        private final Path dir;
        private final long healAfter;

        FileCloud(String id, Path dir, long healAfter) {
            this.id = id;
            this.dir = dir;
            this.healAfter = healAfter;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String type() {
            return "filecloud";
        }

        void initialise(String groups) {
            locked(state -> {
                if (state.has("groups")) {
                    return null;
                }
                ObjectNode all = state.putObject("groups");
                long now = System.currentTimeMillis();
                for (String spec : groups.split(",")) {
                    String[] p = spec.trim().split(":");
                    ObjectNode group = all.putObject(p[0] + "/" + p[1]);
                    group.put("desired", Integer.parseInt(p[2]));
                    ArrayNode members = group.putArray("members");
                    for (int i = 0; i < Integer.parseInt(p[2]); i++) {
                        members.addObject().put("id", newId(state)).put("healthyAt", now);
                    }
                }
                return null;
            });
        }

        @Override
        public List<GroupSummary> listGroups(GroupFilter filter) {
            return locked(state -> {
                List<GroupSummary> out = new ArrayList<>();
                state.get("groups").fields().forEachRemaining(e -> {
                    GroupRef ref = ref(e.getKey());
                    if (filter.regions().isEmpty() || filter.regions().contains(ref.region())) {
                        out.add(new GroupSummary(ref, e.getValue().get("desired").asInt(), Map.of("macaque-enabled", "true")));
                    }
                });
                return out;
            });
        }

        @Override
        public VmGroup describeGroup(GroupRef group) {
            return locked(state -> {
                ObjectNode g = group(state, group);
                long now = System.currentTimeMillis();
                List<Instance> instances = new ArrayList<>();
                for (var member : g.get("members")) {
                    boolean healthy = member.get("healthyAt").asLong() <= now;
                    instances.add(new Instance(member.get("id").asText(), "a", healthy ? LifecycleState.IN_SERVICE : LifecycleState.PENDING,
                            healthy, Instant.EPOCH));
                }
                instances.sort(java.util.Comparator.comparing(Instance::id));
                return new VmGroup(new GroupSummary(group, g.get("desired").asInt(), Map.of("macaque-enabled", "true")), instances);
            });
        }

        @Override
        public GroupHealth health(GroupRef group) {
            hold("health");
            VmGroup described = describeGroup(group);
            int healthy = described.healthyInService().size();
            return new GroupHealth(group, described.summary().desiredCapacity(), healthy, described.instances().size() - healthy);
        }

        @Override
        public TerminationResult terminate(TerminationRequest request) {
            if (request.dryRun()) {
                return new TerminationResult(request.group(), request.instanceId(), TerminationResult.Outcome.DRY_RUN_WOULD_TERMINATE,
                        "dry run");
            }
            hold("before-terminate");
            TerminationResult result = locked(state -> {
                ObjectNode g = group(state, request.group());
                for (Iterator<com.fasterxml.jackson.databind.JsonNode> it = g.withArray("members").elements(); it.hasNext(); ) {
                    if (it.next().get("id").asText().equals(request.instanceId())) {
                        it.remove();
                        g.withArray("members").addObject().put("id", newId(state)).put("healthyAt", System.currentTimeMillis() + healAfter);
                        try {
                            Files.writeString(dir.resolve("terminations.log"), request.group() + "/" + request.instanceId() + "\n",
                                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                                    StandardOpenOption.SYNC);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        return new TerminationResult(request.group(), request.instanceId(), TerminationResult.Outcome.TERMINATED,
                                "removed; a replacement is launching");
                    }
                }
                throw new ProviderException(ProviderException.Kind.NOT_FOUND, request.instanceId() + " is not a member of " + request.group());
            });
            hold("after-terminate");
            return result;
        }

        @Override
        public void close() {
        }

        private void hold(String point) {
            Path marker = dir.resolve("hold-" + point);
            if (!Files.exists(marker)) {
                return;
            }
            try {
                Files.writeString(dir.resolve("reached-" + point), "reached");
                while (Files.exists(marker)) {
                    Thread.sleep(20);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProviderException(ProviderException.Kind.UNAVAILABLE, "interrupted while held at " + point);
            }
        }

        private GroupRef ref(String key) {
            String[] p = key.split("/", 2);
            return new GroupRef(id, p[0], p[1]);
        }

        private ObjectNode group(ObjectNode state, GroupRef group) {
            var g = state.get("groups").get(group.region() + "/" + group.name());
            if (g == null || !group.provider().equals(id)) {
                throw new ProviderException(ProviderException.Kind.NOT_FOUND, "no group " + group);
            }
            return (ObjectNode) g;
        }

        private static String newId(ObjectNode state) {
            int next = state.path("nextId").asInt(1);
            state.put("nextId", next + 1);
            return String.format("fc-%04d", next);
        }

        private <T> T locked(java.util.function.Function<ObjectNode, T> work) {
            try {
                Files.createDirectories(dir);
                try (FileChannel channel = FileChannel.open(dir.resolve("state.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock lock = channel.lock()) {
                    Path file = dir.resolve("state.json");
                    ObjectNode state = Files.exists(file) ? (ObjectNode) JSON.readTree(file.toFile()) : JSON.createObjectNode();
                    T result = work.apply(state);
                    Path temp = dir.resolve("state.json.tmp");
                    Files.write(temp, JSON.writeValueAsBytes(state), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.SYNC);
                    Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    return result;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
