package dev.macaque.simulated.scenario;

import dev.macaque.text.Durations;
import dev.macaque.text.Suggestions;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads scenario files (YAML, see {@code docs/scenario.schema.json} and {@code docs/simulation.md}). Every problem
 * found is collected and thrown together in one {@link ScenarioException}, each naming the file, the line and the
 * key. The world parts (name, seed, duration, groups, services, faults) are validated here; {@code chaos} entries
 * and {@code hypotheses} are kept raw for the engine and the report, but must be a list of objects and a list of
 * strings.
 */
public final class ScenarioParser {
    /** Top-level keys, in documentation order. */
    public static final List<String> TOP_LEVEL_KEYS = List.of("name", "seed", "duration", "groups", "services", "chaos",
            "faults", "hypotheses", "probes");
    public static final List<String> GROUP_KEYS = List.of("name", "region", "zones", "desired", "bootTime",
            "replacementDelay", "healthCheckGrace", "terminationTime", "launchFailureRate", "tags");
    public static final List<String> SERVICE_KEYS = List.of("name", "group", "capacityPerInstance", "load", "dependsOn",
            "overloadCrashAfter");
    public static final List<String> FAULT_KINDS = List.of("zoneOutage", "launchCapacityError", "terminate");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final int MAX_DESIRED = 1_000_000;

    private ScenarioParser() {
    }

    /** Parses the scenario file at {@code path}. */
    public static Scenario parse(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ScenarioException(List.of(new ScenarioError(path.toString(), 0, "", "cannot read the file: " + e)));
        }
        return parse(text, path.toString());
    }

    /** Parses a scenario shipped as a class-path resource, e.g. {@code /dev/macaque/simulated/demo-world.yaml}. */
    public static Scenario parseResource(String resource) {
        try (InputStream in = ScenarioParser.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ScenarioException(List.of(new ScenarioError(resource, 0, "", "no such class-path resource")));
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + resource);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read class-path resource " + resource, e);
        }
    }

    /** Parses scenario {@code text}; {@code file} names it in errors. */
    public static Scenario parse(String text, String file) {
        List<ScenarioError> errors = new ArrayList<>();
        LocatedYaml yaml;
        try {
            yaml = LocatedYaml.read(text, file, errors);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new ScenarioException(List.of(new ScenarioError(file, line, "", "not valid YAML: " + e.getOriginalMessage())));
        } catch (IOException e) {
            throw new ScenarioException(List.of(new ScenarioError(file, 0, "", "cannot read: " + e)));
        }
        Scenario scenario = new Reader(yaml, file, errors).read();
        if (!errors.isEmpty()) {
            throw new ScenarioException(errors);
        }
        return scenario;
    }

    /** Walks the tree once, collecting values and errors. */
    private static final class Reader {
        /** Groups with equal tags share one map (a fleet of ten thousand groups usually has a handful of tag sets). */
        private final Map<Map<String, String>, Map<String, String>> sharedTags = new HashMap<>();
        private final LocatedYaml yaml;
        private final String file;
        private final List<ScenarioError> errors;

        Reader(LocatedYaml yaml, String file, List<ScenarioError> errors) {
            this.yaml = yaml;
            this.file = file;
            this.errors = errors;
        }

        private void error(String path, String message) {
            errors.add(new ScenarioError(file, yaml.line(path), path, message));
        }

        Scenario read() {
            JsonNode root = yaml.root;
            if (!root.isObject()) {
                error("", "a scenario must be a mapping with keys " + TOP_LEVEL_KEYS + ", found " + describe(root));
                return null;
            }
            checkKeys(root, "", TOP_LEVEL_KEYS);
            String name = requiredName(root, "name");
            long seed = 0;
            if (root.has("seed")) {
                JsonNode s = root.get("seed");
                if (s.isIntegralNumber() && s.canConvertToLong()) {
                    seed = s.longValue();
                } else {
                    error("seed", "seed must be an integer, found " + describe(s));
                }
            }
            Duration duration = null;
            if (!root.has("duration")) {
                error("duration", "missing required key 'duration' (how long to simulate, e.g. 7d)");
            } else {
                duration = duration(root.get("duration"), "duration");
                if (duration != null && duration.isZero()) {
                    error("duration", "duration must be > 0");
                }
            }
            List<GroupSpec> groups = new ArrayList<>();
            Map<String, String> groupPaths = new HashMap<>();
            for (Item item : list(root, "groups", true)) {
                GroupSpec group = group(item.node, item.path);
                if (group != null) {
                    if (groupPaths.containsKey(group.name())) {
                        error(item.path + ".name", "group name '" + group.name() + "' is already used at "
                                + groupPaths.get(group.name()));
                    } else {
                        groupPaths.put(group.name(), item.path);
                        groups.add(group);
                    }
                }
            }
            Map<String, GroupSpec> groupsByName = new HashMap<>();
            groups.forEach(g -> groupsByName.put(g.name(), g));

            List<ServiceSpec> services = new ArrayList<>();
            Map<String, String> servicePaths = new LinkedHashMap<>();
            for (Item item : list(root, "services", false)) {
                ServiceSpec service = service(item.node, item.path, groupsByName);
                if (service != null) {
                    if (servicePaths.containsKey(service.name())) {
                        error(item.path + ".name", "service name '" + service.name() + "' is already used at "
                                + servicePaths.get(service.name()));
                    } else {
                        servicePaths.put(service.name(), item.path);
                        services.add(service);
                    }
                }
            }
            checkDependencies(services, servicePaths);

            List<FaultSpec> faults = new ArrayList<>();
            for (Item item : list(root, "faults", false)) {
                FaultSpec fault = fault(item.node, item.path, groups, duration);
                if (fault != null) {
                    faults.add(fault);
                }
            }
            List<ChaosEntry> chaos = new ArrayList<>();
            for (Item item : list(root, "chaos", false)) {
                if (item.node.isObject()) {
                    chaos.add(new ChaosEntry(item.node, yaml.line(item.path)));
                } else {
                    error(item.path, "a chaos entry must be a mapping (e.g. {at: 2h, experiment: {...}}), found "
                            + describe(item.node));
                }
            }
            List<Hypothesis> hypotheses = new ArrayList<>();
            for (Item item : list(root, "hypotheses", false)) {
                if (item.node.isTextual() && !item.node.textValue().isBlank()) {
                    hypotheses.add(new Hypothesis(item.node.textValue().trim(), yaml.line(item.path)));
                } else {
                    error(item.path, "a hypothesis must be a non-empty string such as \"availability(api) >= 99.9\", found "
                            + describe(item.node));
                }
            }
            // Kept raw, like chaos entries: the engine binds the experiments' probe names to simulated services.
            ChaosEntry probes = null;
            JsonNode probesNode = root.get("probes");
            if (probesNode != null && !probesNode.isNull()) {
                if (probesNode.isObject()) {
                    probes = new ChaosEntry(probesNode, yaml.line("probes"));
                } else {
                    error("probes", "must be a mapping of probe names to simulated services (e.g. {checkout-ok: {service: web, "
                            + "minSuccessPercent: 99.5}}), found " + describe(probesNode));
                }
            }
            if (!errors.isEmpty()) {
                return null;
            }
            return new Scenario(name, seed, duration, groups, services, faults, chaos, hypotheses, file, probes);
        }

        private GroupSpec group(JsonNode node, String path) {
            if (!node.isObject()) {
                error(path, "a group must be a mapping with keys " + GROUP_KEYS + ", found " + describe(node));
                return null;
            }
            int before = errors.size();
            checkKeys(node, path, GROUP_KEYS);
            String name = requiredName(node, path + ".name");
            String region = requiredName(node, path + ".region");
            List<String> zones = new ArrayList<>();
            String zonesPath = path + ".zones";
            if (!node.has("zones")) {
                error(zonesPath, "missing required key 'zones' (a list of zone names, e.g. [a, b, c])");
            } else if (!node.get("zones").isArray() || node.get("zones").isEmpty()) {
                error(zonesPath, "zones must be a non-empty list of zone names, found " + describe(node.get("zones")));
            } else {
                int i = 0;
                for (JsonNode zone : node.get("zones")) {
                    String zonePath = zonesPath + "[" + i++ + "]";
                    if (!zone.isValueNode() || zone.isNull() || !NAME.matcher(zone.asText()).matches()) {
                        error(zonePath, "a zone name must be letters, digits, '-', '_' or '.', found " + describe(zone));
                    } else if (zones.contains(zone.asText())) {
                        error(zonePath, "zone '" + zone.asText() + "' is listed twice");
                    } else {
                        zones.add(zone.asText());
                    }
                }
            }
            int desired = 0;
            if (!node.has("desired")) {
                error(path + ".desired", "missing required key 'desired' (how many instances the group keeps)");
            } else {
                JsonNode d = node.get("desired");
                if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0 || d.intValue() > MAX_DESIRED) {
                    error(path + ".desired", "desired must be an integer from 0 to " + MAX_DESIRED + ", found " + describe(d));
                } else {
                    desired = d.intValue();
                }
            }
            BootTime bootTime = BootTime.DEFAULT;
            if (node.has("bootTime")) {
                bootTime = bootTime(node.get("bootTime"), path + ".bootTime");
            }
            Duration replacementDelay = optionalDuration(node, path, "replacementDelay", GroupSpec.DEFAULT_REPLACEMENT_DELAY);
            Duration grace = optionalDuration(node, path, "healthCheckGrace", GroupSpec.DEFAULT_HEALTH_CHECK_GRACE);
            Duration termination = optionalDuration(node, path, "terminationTime", GroupSpec.DEFAULT_TERMINATION_TIME);
            double launchFailureRate = 0;
            if (node.has("launchFailureRate")) {
                JsonNode r = node.get("launchFailureRate");
                if (!r.isNumber() || r.doubleValue() < 0 || r.doubleValue() >= 1) {
                    error(path + ".launchFailureRate", "launchFailureRate must be a number in [0, 1), found " + describe(r));
                } else {
                    launchFailureRate = r.doubleValue();
                }
            }
            Map<String, String> tags = new TreeMap<>();
            if (node.has("tags")) {
                JsonNode t = node.get("tags");
                if (!t.isObject()) {
                    error(path + ".tags", "tags must be a mapping of key to value, found " + describe(t));
                } else {
                    for (Map.Entry<String, JsonNode> tag : t.properties()) {
                        if (!tag.getValue().isValueNode() || tag.getValue().isNull()) {
                            error(path + ".tags." + tag.getKey(), "a tag value must be a string, found " + describe(tag.getValue()));
                        } else {
                            tags.put(tag.getKey(), tag.getValue().asText());
                        }
                    }
                }
            }
            if (errors.size() > before || bootTime == null || replacementDelay == null || grace == null || termination == null) {
                return null;
            }
            return new GroupSpec(name, region, zones, desired, bootTime, replacementDelay, grace, termination,
                    launchFailureRate, sharedTags.computeIfAbsent(tags, SortedTags::of));
        }

        private BootTime bootTime(JsonNode node, String path) {
            if (node.isTextual()) {
                Duration fixed = duration(node, path);
                return fixed == null ? null : BootTime.fixed(fixed);
            }
            if (!node.isObject()) {
                error(path, "bootTime must be a duration (90s) or {min: 60s, max: 120s}, found " + describe(node));
                return null;
            }
            checkKeys(node, path, List.of("min", "max"));
            if (!node.has("min") || !node.has("max")) {
                error(path, "bootTime needs both 'min' and 'max'");
                return null;
            }
            Duration min = duration(node.get("min"), path + ".min");
            Duration max = duration(node.get("max"), path + ".max");
            if (min == null || max == null) {
                return null;
            }
            if (max.compareTo(min) < 0) {
                error(path + ".max", "max (" + Durations.format(max) + ") is less than min (" + Durations.format(min) + ")");
                return null;
            }
            return new BootTime(min, max);
        }

        private ServiceSpec service(JsonNode node, String path, Map<String, GroupSpec> groups) {
            if (!node.isObject()) {
                error(path, "a service must be a mapping with keys " + SERVICE_KEYS + ", found " + describe(node));
                return null;
            }
            int before = errors.size();
            checkKeys(node, path, SERVICE_KEYS);
            String name = requiredName(node, path + ".name");
            String group = requiredName(node, path + ".group");
            if (group != null && !groups.containsKey(group)) {
                error(path + ".group", "service " + name + " is served by group '" + group + "', which is not defined; groups: "
                        + new java.util.TreeSet<>(groups.keySet()));
            }
            double capacity = 0;
            if (!node.has("capacityPerInstance")) {
                error(path + ".capacityPerInstance", "missing required key 'capacityPerInstance' (requests/second per healthy instance)");
            } else {
                JsonNode c = node.get("capacityPerInstance");
                if (!c.isNumber() || !(c.doubleValue() > 0) || Double.isInfinite(c.doubleValue())) {
                    error(path + ".capacityPerInstance", "capacityPerInstance must be a number > 0, found " + describe(c));
                } else {
                    capacity = c.doubleValue();
                }
            }
            Load load = null;
            if (!node.has("load")) {
                error(path + ".load", "missing required key 'load' (requests/second, or {base, peak, peakAt})");
            } else {
                load = load(node.get("load"), path + ".load");
            }
            List<String> dependsOn = new ArrayList<>();
            if (node.has("dependsOn")) {
                JsonNode deps = node.get("dependsOn");
                if (!deps.isArray()) {
                    error(path + ".dependsOn", "dependsOn must be a list of service names, found " + describe(deps));
                } else {
                    int i = 0;
                    for (JsonNode d : deps) {
                        String dPath = path + ".dependsOn[" + i++ + "]";
                        if (!d.isTextual()) {
                            error(dPath, "a dependency must be a service name, found " + describe(d));
                        } else if (dependsOn.contains(d.textValue())) {
                            error(dPath, "dependency '" + d.textValue() + "' is listed twice");
                        } else {
                            dependsOn.add(d.textValue());
                        }
                    }
                }
            }
            Optional<Duration> crashAfter = Optional.empty();
            if (node.has("overloadCrashAfter")) {
                Duration d = duration(node.get("overloadCrashAfter"), path + ".overloadCrashAfter");
                if (d != null && d.isZero()) {
                    error(path + ".overloadCrashAfter", "overloadCrashAfter must be > 0");
                } else if (d != null) {
                    crashAfter = Optional.of(d);
                }
            }
            if (errors.size() > before || load == null) {
                return null;
            }
            return new ServiceSpec(name, group, capacity, load, dependsOn, crashAfter);
        }

        private Load load(JsonNode node, String path) {
            if (node.isNumber()) {
                if (!(node.doubleValue() >= 0) || Double.isInfinite(node.doubleValue())) {
                    error(path, "load must be >= 0, found " + describe(node));
                    return null;
                }
                return new Load.Constant(node.doubleValue());
            }
            if (!node.isObject()) {
                error(path, "load must be a number (requests/second) or {base, peak, peakAt}, found " + describe(node));
                return null;
            }
            checkKeys(node, path, List.of("base", "peak", "peakAt"));
            Double base = number(node, path, "base");
            Double peak = number(node, path, "peak");
            Duration peakAt = null;
            if (!node.has("peakAt")) {
                error(path + ".peakAt", "missing required key 'peakAt' (time of day of the peak, e.g. 14h)");
            } else {
                peakAt = duration(node.get("peakAt"), path + ".peakAt");
                if (peakAt != null && peakAt.compareTo(Duration.ofDays(1)) >= 0) {
                    error(path + ".peakAt", "peakAt must be a time of day below 24h, found " + Durations.format(peakAt));
                    peakAt = null;
                }
            }
            if (base == null || peak == null || peakAt == null) {
                return null;
            }
            if (base < 0 || peak < base) {
                error(path + ".peak", "a daily load needs 0 <= base <= peak, found base=" + base + " peak=" + peak);
                return null;
            }
            return new Load.Daily(base, peak, peakAt);
        }

        private FaultSpec fault(JsonNode node, String path, List<GroupSpec> groups, Duration runDuration) {
            if (!node.isObject()) {
                error(path, "a fault must be a mapping such as {zoneOutage: {region: r, zone: a}, at: 3d, duration: 1h}, found "
                        + describe(node));
                return null;
            }
            List<String> allowed = new ArrayList<>(FAULT_KINDS);
            allowed.add("at");
            allowed.add("duration");
            checkKeys(node, path, allowed);
            List<String> kinds = FAULT_KINDS.stream().filter(node::has).toList();
            if (kinds.size() != 1) {
                error(path, "a fault needs exactly one of " + FAULT_KINDS + ", found " + (kinds.isEmpty() ? "none" : kinds));
                return null;
            }
            String kind = kinds.get(0);
            String kindPath = path + "." + kind;
            Duration at = null;
            if (!node.has("at")) {
                error(path + ".at", "missing required key 'at' (when the fault starts, e.g. 3d)");
            } else {
                at = duration(node.get("at"), path + ".at");
                if (at != null && runDuration != null && at.compareTo(runDuration) > 0) {
                    error(path + ".at", "fault starts at " + Durations.format(at) + ", after the run ends ("
                            + Durations.format(runDuration) + ")");
                }
            }
            Duration duration = Duration.ZERO;
            boolean needsDuration = !kind.equals("terminate");
            if (needsDuration && !node.has("duration")) {
                error(path + ".duration", "missing required key 'duration' (how long the " + kind + " lasts)");
                duration = null;
            } else if (!needsDuration && node.has("duration")) {
                error(path + ".duration", "a terminate fault is instantaneous and takes no duration");
            } else if (needsDuration) {
                duration = duration(node.get("duration"), path + ".duration");
            }
            JsonNode body = node.get(kind);
            if (!body.isObject()) {
                error(kindPath, kind + " must be a mapping, found " + describe(body));
                return null;
            }
            switch (kind) {
                case "zoneOutage" -> {
                    checkKeys(body, kindPath, List.of("region", "zone"));
                    String region = requiredName(body, kindPath + ".region");
                    String zone = requiredName(body, kindPath + ".zone");
                    if (region != null && zone != null && groups.stream()
                            .noneMatch(g -> g.region().equals(region) && g.zones().contains(zone))) {
                        error(kindPath + ".zone", "no group in region '" + region + "' has zone '" + zone + "'");
                        return null;
                    }
                    if (at == null || duration == null || region == null || zone == null) {
                        return null;
                    }
                    return new FaultSpec.ZoneOutage(region, zone, at, duration);
                }
                case "launchCapacityError" -> {
                    checkKeys(body, kindPath, List.of("group"));
                    String group = referencedGroup(body, kindPath, groups);
                    if (at == null || duration == null || group == null) {
                        return null;
                    }
                    return new FaultSpec.LaunchCapacityError(group, at, duration);
                }
                default -> {
                    checkKeys(body, kindPath, List.of("group"));
                    String group = referencedGroup(body, kindPath, groups);
                    if (at == null || group == null) {
                        return null;
                    }
                    return new FaultSpec.Termination(group, at);
                }
            }
        }

        private String referencedGroup(JsonNode body, String path, List<GroupSpec> groups) {
            String group = requiredName(body, path + ".group");
            if (group != null && groups.stream().noneMatch(g -> g.name().equals(group))) {
                error(path + ".group", "group '" + group + "' is not defined");
                return null;
            }
            return group;
        }

        private void checkDependencies(List<ServiceSpec> services, Map<String, String> paths) {
            Map<String, ServiceSpec> byName = new HashMap<>();
            services.forEach(s -> byName.put(s.name(), s));
            for (ServiceSpec service : services) {
                for (int i = 0; i < service.dependsOn().size(); i++) {
                    String d = service.dependsOn().get(i);
                    if (!byName.containsKey(d)) {
                        error(paths.get(service.name()) + ".dependsOn[" + i + "]", "service " + service.name()
                                + " depends on '" + d + "', which is not defined");
                    }
                }
            }
            // Report each cycle once, at the dependsOn of the first service (in file order) on it.
            Set<String> done = new HashSet<>();
            for (ServiceSpec service : services) {
                List<String> cycle = findCycle(service.name(), byName, new ArrayList<>(), done);
                if (cycle != null) {
                    done.addAll(cycle);
                    error(paths.get(service.name()) + ".dependsOn", "services depend on each other in a cycle: "
                            + String.join(" -> ", cycle));
                }
                done.add(service.name());
            }
        }

        private List<String> findCycle(String name, Map<String, ServiceSpec> byName, List<String> path, Set<String> done) {
            int at = path.indexOf(name);
            if (at >= 0) {
                List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
                cycle.add(name);
                return cycle;
            }
            ServiceSpec spec = byName.get(name);
            if (spec == null || done.contains(name)) {
                return null;
            }
            path.add(name);
            for (String d : spec.dependsOn()) {
                List<String> cycle = findCycle(d, byName, path, done);
                if (cycle != null) {
                    return cycle;
                }
            }
            path.remove(path.size() - 1);
            return null;
        }

        // ------------------------------------------------------------------ small readers

        private record Item(JsonNode node, String path) {
        }

        private List<Item> list(JsonNode parent, String key, boolean required) {
            if (!parent.has(key)) {
                if (required) {
                    error(key, "missing required key '" + key + "'");
                }
                return List.of();
            }
            JsonNode node = parent.get(key);
            if (node.isNull()) {
                return List.of();
            }
            if (!node.isArray()) {
                error(key, key + " must be a list, found " + describe(node));
                return List.of();
            }
            List<Item> items = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                items.add(new Item(node.get(i), key + "[" + i + "]"));
            }
            return items;
        }

        private String requiredName(JsonNode parent, String path) {
            String key = path.substring(path.lastIndexOf('.') + 1);
            if (!parent.has(key)) {
                error(path, "missing required key '" + key + "'");
                return null;
            }
            JsonNode node = parent.get(key);
            if (!node.isTextual() || !NAME.matcher(node.textValue()).matches()) {
                error(path, key + " must be a name of letters, digits, '-', '_' or '.' (at most 63), found " + describe(node));
                return null;
            }
            return node.textValue();
        }

        private Double number(JsonNode parent, String path, String key) {
            if (!parent.has(key)) {
                error(path + "." + key, "missing required key '" + key + "'");
                return null;
            }
            JsonNode node = parent.get(key);
            if (!node.isNumber() || Double.isInfinite(node.doubleValue()) || node.doubleValue() < 0) {
                error(path + "." + key, key + " must be a number >= 0, found " + describe(node));
                return null;
            }
            return node.doubleValue();
        }

        private Duration optionalDuration(JsonNode parent, String path, String key, Duration defaultValue) {
            if (!parent.has(key)) {
                return defaultValue;
            }
            return duration(parent.get(key), path + "." + key);
        }

        private Duration duration(JsonNode node, String path) {
            if (!node.isTextual()) {
                error(path, "expected a duration such as 500ms, 90s, 15m, 2h or 7d, found " + describe(node));
                return null;
            }
            try {
                return Durations.parse(node.asText());
            } catch (IllegalArgumentException e) {
                error(path, e.getMessage());
                return null;
            }
        }

        private void checkKeys(JsonNode node, String path, List<String> allowed) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!allowed.contains(key)) {
                    String child = path.isEmpty() ? key : path + "." + key;
                    String suggestion = Suggestions.closest(key, allowed).map(s -> "; did you mean '" + s + "'?").orElse("");
                    error(child, "unknown key '" + key + "'" + suggestion + " (allowed: " + String.join(", ", allowed) + ")");
                }
            }
        }

        private static String describe(JsonNode node) {
            if (node == null || node.isMissingNode()) {
                return "nothing";
            }
            if (node.isNull()) {
                return "null";
            }
            if (node.isTextual()) {
                return "'" + node.textValue() + "'";
            }
            if (node.isObject()) {
                return "a mapping";
            }
            if (node.isArray()) {
                return "a list";
            }
            return node.toString();
        }
    }
}
