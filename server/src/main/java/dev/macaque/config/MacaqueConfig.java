package dev.macaque.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole server configuration, as read from {@code conf/macaque.yaml} with environment overrides applied.
 * Absent sections take the defaults written here; see README "Configuration" for every key.
 *
 * @param server    the HTTP listener
 * @param mode      {@code leashed} (default: every provider but {@code simulated} is forced to dry-run) or {@code unleashed}
 * @param plugins   where provider plugins are found
 * @param logging   log format and level
 * @param database  where runs, audit, tokens and the kill switch are stored
 * @param providers     configured provider instances by id; each has a {@code type} and that provider's own keys
 * @param schedules     kill schedules (Chaos Monkey mode), each as {@code KillScheduleParser} reads it; seeded into the
 *                      database at start with {@code source: config}
 * @param notifications webhooks
 * @param cluster       this node's identity and the leases by which several nodes share one database
 * @param outageCheck   what postpones a scheduled kill while an incident is under way
 * @param limits        request rate limits and live event-stream limits of the HTTP API
 * @param dashboard     the web dashboard served at {@code /}: sign-in sessions and where simulation reports are found
 * @param safety        fleet-wide budgets checked before every termination of every run, schedule and node
 * @param simulations   the training simulations the server runs ({@code POST /api/v1/simulations})
 * @param inventory     how often this node re-reads the fleet from each provider
 * @param scorecard     how the reliability scorecard grades groups and aggregates them ({@code GET /api/v1/scorecard})
 * @param auth          how people sign in: single sign-on through an OpenID Connect provider, and API tokens
 */
public record MacaqueConfig(
        ServerConfig server,
        Mode mode,
        PluginsConfig plugins,
        LoggingConfig logging,
        DatabaseConfig database,
        Map<String, Map<String, Object>> providers,
        List<Map<String, Object>> schedules,
        NotificationsConfig notifications,
        ClusterConfig cluster,
        OutageCheckConfig outageCheck,
        LimitsConfig limits,
        DashboardConfig dashboard,
        SafetyConfig safety,
        SimulationsConfig simulations,
        InventoryConfig inventory,
        ScorecardConfig scorecard,
        AuthConfig auth) {

    /** The configuration with the default scorecard settings. */
    public MacaqueConfig(ServerConfig server, Mode mode, PluginsConfig plugins, LoggingConfig logging, DatabaseConfig database,
            Map<String, Map<String, Object>> providers, List<Map<String, Object>> schedules, NotificationsConfig notifications,
            ClusterConfig cluster, OutageCheckConfig outageCheck, LimitsConfig limits, DashboardConfig dashboard, SafetyConfig safety,
            SimulationsConfig simulations) {
        this(server, mode, plugins, logging, database, providers, schedules, notifications, cluster, outageCheck, limits, dashboard,
                safety, simulations, null, null, null);
    }

    /** The configuration without schedules, notifications, cluster or outage-check settings (their defaults apply). */
    public MacaqueConfig(ServerConfig server, Mode mode, PluginsConfig plugins, LoggingConfig logging, DatabaseConfig database,
            Map<String, Map<String, Object>> providers) {
        this(server, mode, plugins, logging, database, providers, null, null, null, null, null, null, null, null);
    }

    /** The configuration with the default limits and dashboard settings. */
    public MacaqueConfig(ServerConfig server, Mode mode, PluginsConfig plugins, LoggingConfig logging, DatabaseConfig database,
            Map<String, Map<String, Object>> providers, List<Map<String, Object>> schedules, NotificationsConfig notifications,
            ClusterConfig cluster, OutageCheckConfig outageCheck) {
        this(server, mode, plugins, logging, database, providers, schedules, notifications, cluster, outageCheck, null, null, null, null);
    }

    /** A copy with other limits; everything else unchanged. */
    public MacaqueConfig withLimits(LimitsConfig newLimits) {
        return new MacaqueConfig(server, mode, plugins, logging, database, providers, schedules, notifications, cluster, outageCheck,
                newLimits, dashboard, safety, simulations, inventory, scorecard, auth);
    }

    /** A copy with other fleet-wide budgets. */
    public MacaqueConfig withSafety(SafetyConfig newSafety) {
        return new MacaqueConfig(server, mode, plugins, logging, database, providers, schedules, notifications, cluster, outageCheck,
                limits, dashboard, newSafety, simulations, inventory, scorecard, auth);
    }

    /** A copy with other dashboard settings. */
    public MacaqueConfig withDashboard(DashboardConfig newDashboard) {
        return new MacaqueConfig(server, mode, plugins, logging, database, providers, schedules, notifications, cluster, outageCheck,
                limits, newDashboard, safety, simulations, inventory, scorecard, auth);
    }

    /** A copy with another listener; everything else unchanged. */
    public MacaqueConfig withServer(ServerConfig newServer) {
        return new MacaqueConfig(newServer, mode, plugins, logging, database, providers, schedules, notifications, cluster, outageCheck, limits,
                dashboard, safety, simulations, inventory, scorecard, auth);
    }

    /** A copy with another database; everything else unchanged. */
    public MacaqueConfig withDatabase(DatabaseConfig newDatabase) {
        return new MacaqueConfig(server, mode, plugins, logging, newDatabase, providers, schedules, notifications, cluster, outageCheck, limits,
                dashboard, safety, simulations, inventory, scorecard, auth);
    }

    /** A copy with other training-simulation (and prediction) limits. */
    public MacaqueConfig withSimulations(SimulationsConfig newSimulations) {
        return new MacaqueConfig(server, mode, plugins, logging, database, providers, schedules, notifications, cluster, outageCheck,
                limits, dashboard, safety, newSimulations, inventory, scorecard, auth);
    }

    /** A copy with other schedules, notifications, cluster and outage-check settings. */
    public MacaqueConfig withChaosMonkey(List<Map<String, Object>> newSchedules, NotificationsConfig newNotifications,
            ClusterConfig newCluster, OutageCheckConfig newOutageCheck) {
        return new MacaqueConfig(server, mode, plugins, logging, database, providers, newSchedules, newNotifications, newCluster,
                newOutageCheck, limits, dashboard, safety, simulations, inventory, scorecard, auth);
    }

    public MacaqueConfig {
        server = server == null ? ServerConfig.DEFAULT : server;
        mode = mode == null ? Mode.LEASHED : mode;
        plugins = plugins == null ? PluginsConfig.DEFAULT : plugins;
        logging = logging == null ? LoggingConfig.DEFAULT : logging;
        database = database == null ? DatabaseConfig.DEFAULT : database;
        providers = providers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(providers));
        schedules = schedules == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(schedules));
        notifications = notifications == null ? NotificationsConfig.DEFAULT : notifications;
        cluster = cluster == null ? ClusterConfig.DEFAULT : cluster;
        outageCheck = outageCheck == null ? OutageCheckConfig.DEFAULT : outageCheck;
        limits = limits == null ? LimitsConfig.DEFAULT : limits;
        dashboard = dashboard == null ? DashboardConfig.DEFAULT : dashboard;
        safety = safety == null ? SafetyConfig.DEFAULT : safety;
        simulations = simulations == null ? SimulationsConfig.DEFAULT : simulations;
        inventory = inventory == null ? InventoryConfig.DEFAULT : inventory;
        scorecard = scorecard == null ? ScorecardConfig.DEFAULT : scorecard;
        auth = auth == null ? AuthConfig.DEFAULT : auth;
    }

    /** A copy with another inventory refresh; everything else unchanged. */
    public MacaqueConfig withInventory(InventoryConfig newInventory) {
        return new MacaqueConfig(server, mode, plugins, logging, database, providers, schedules, notifications, cluster, outageCheck,
                limits, dashboard, safety, simulations, newInventory, scorecard, auth);
    }

    /**
     * @param refresh how often the fleet inventory lists each provider's groups again, and how long a group's members
     *                read from the cloud are reused (a duration such as {@code 60s})
     */
    public record InventoryConfig(String refresh) {
        public static final InventoryConfig DEFAULT = new InventoryConfig(null);

        public InventoryConfig {
            refresh = refresh == null ? "60s" : refresh;
        }
    }

    /**
     * @param oidc   single sign-on for the dashboard; null: none
     * @param tokens what API tokens may do besides calling the API
     */
    public record AuthConfig(OidcConfig oidc, TokensConfig tokens) {
        public static final AuthConfig DEFAULT = new AuthConfig(null, null);

        public AuthConfig {
            tokens = tokens == null ? TokensConfig.DEFAULT : tokens;
        }
    }

    /** @param dashboardSignIn whether the dashboard's sign-in page accepts an API token (break-glass); default true */
    public record TokensConfig(Boolean dashboardSignIn) {
        public static final TokensConfig DEFAULT = new TokensConfig(null);

        public TokensConfig {
            dashboardSignIn = dashboardSignIn == null ? Boolean.TRUE : dashboardSignIn;
        }
    }

    /**
     * Sign-in through an OpenID Connect provider (README "Single sign-on").
     *
     * @param issuer         the provider's issuer URL; its {@code /.well-known/openid-configuration} is read;
     *                       {@code https://}, or {@code http://} on a loopback address only
     * @param clientId       this server's client id at the provider
     * @param clientSecret   its secret (from {@code MACAQUE_AUTH_OIDC_CLIENT_SECRET}); never logged; absent for a
     *                       public client, which PKCE alone protects
     * @param scopes         requested scopes; default {@code openid email profile}
     * @param roleClaim      the ID token claim whose values are mapped to roles; default {@code groups}
     * @param roles          claim value → role, either {@code operator} or {@code {role: operator, scope: {team: payments}}}
     * @param allowedDomains when given, only users whose verified {@code email} is in one of these domains
     * @param redirectUri    the callback URL registered at the provider; default: {@code /sign-in/oidc/callback} on the
     *                       origin the browser used
     * @param clockSkew      how far the ID token's {@code exp}/{@code iat} may be off this server's clock; default 60s
     */
    public record OidcConfig(String issuer, String clientId, String clientSecret, List<String> scopes, String roleClaim,
                             Map<String, RoleMapping> roles, List<String> allowedDomains, String redirectUri, String clockSkew) {
        public OidcConfig {
            scopes = scopes == null ? List.of("openid", "email", "profile") : List.copyOf(scopes);
            roleClaim = roleClaim == null ? "groups" : roleClaim;
            roles = roles == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(roles));
            allowedDomains = allowedDomains == null ? List.of() : List.copyOf(allowedDomains);
            clockSkew = clockSkew == null ? "60s" : clockSkew;
        }

        @Override
        public String toString() {
            return "OidcConfig[issuer=" + issuer + ", clientId=" + clientId + ", clientSecret="
                    + (clientSecret == null || clientSecret.isEmpty() ? "" : "****") + ", scopes=" + scopes + ", roleClaim=" + roleClaim
                    + ", roles=" + roles + ", allowedDomains=" + allowedDomains + ", redirectUri=" + redirectUri + ", clockSkew="
                    + clockSkew + "]";
        }
    }

    /**
     * What one claim value grants: a role, optionally limited to the groups carrying the tags of {@code scope}.
     * Written as a bare role ({@code sre: operator}) or as {@code {role: operator, scope: {team: payments}}}.
     */
    public record RoleMapping(String role, Map<String, String> scope) {
        /** The role names {@code dev.macaque.auth.Role} accepts (auth depends on config, not the reverse). */
        public static final List<String> ROLE_NAMES = List.of("viewer", "operator", "admin");

        public RoleMapping {
            scope = scope == null ? Map.of() : Collections.unmodifiableMap(new java.util.TreeMap<>(scope));
        }

        /** {@code sre: operator}: the role alone. */
        @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
        public static RoleMapping valueOf(String role) {
            return new RoleMapping(role, null);
        }
    }

    /** A copy with other sign-in settings. */
    public MacaqueConfig withAuth(AuthConfig newAuth) {
        return new MacaqueConfig(server, mode, plugins, logging, database, providers, schedules, notifications, cluster, outageCheck,
                limits, dashboard, safety, simulations, inventory, scorecard, newAuth);
    }

    /** A copy with other scorecard settings. */
    public MacaqueConfig withScorecard(ScorecardConfig newScorecard) {
        return new MacaqueConfig(server, mode, plugins, logging, database, providers, schedules, notifications, cluster, outageCheck,
                limits, dashboard, safety, simulations, inventory, newScorecard, auth);
    }

    /**
     * The reliability scorecard (README "Scorecard and reports").
     *
     * @param freshness  how long a verification keeps a group {@code VERIFIED}; older, it is {@code STALE} (default 30d)
     * @param groupBy    the tag whose value names a group's team in the per-team aggregate (default {@code team})
     * @param trendWeeks how many weeks the fleet's score trend covers, the current one included (default 12)
     */
    public record ScorecardConfig(String freshness, String groupBy, Integer trendWeeks) {
        public static final ScorecardConfig DEFAULT = new ScorecardConfig(null, null, null);

        public ScorecardConfig {
            freshness = freshness == null ? "30d" : freshness;
            groupBy = groupBy == null ? "team" : groupBy;
            trendWeeks = trendWeeks == null ? 12 : trendWeeks;
        }
    }

    /**
     * @param workers      simulations run at once, each on its own worker thread (never on a request thread)
     * @param queue        accepted simulations that may wait for a worker; more are refused with 503
     * @param maxInstances largest world accepted: the sum of {@code desired} over its groups
     * @param maxDuration  longest virtual time accepted
     * @param timeout      wall-clock time after which a running simulation is stopped and marked FAILED
     * @param keep         finished simulations kept (the oldest are forgotten first)
     */
    public record SimulationsConfig(Integer workers, Integer queue, Integer maxInstances, String maxDuration, String timeout,
                                    Integer keep) {
        public static final SimulationsConfig DEFAULT = new SimulationsConfig(null, null, null, null, null, null);

        public SimulationsConfig {
            workers = workers == null ? 1 : workers;
            queue = queue == null ? 4 : queue;
            maxInstances = maxInstances == null ? 10_000 : maxInstances;
            maxDuration = maxDuration == null ? "30d" : maxDuration;
            timeout = timeout == null ? "2m" : timeout;
            keep = keep == null ? 50 : keep;
        }
    }

    /**
     * Limits that keep a server next to production from being worn down by its own clients (see README "Operating
     * Macaque"). A request over a rate limit is answered 429 with {@code Retry-After}; a stream over a stream limit 503.
     *
     * @param unauthenticatedPerSource {@code /api/v1} calls without a valid token accepted per client address and minute;
     *                                 beyond that they are refused before any token lookup
     * @param requestsPerToken         {@code /api/v1} calls per token and minute
     * @param eventStreamsPerRun       live event streams ({@code text/event-stream}) open at once on one run
     * @param eventStreams             live event streams open at once on this server
     */
    public record LimitsConfig(Integer unauthenticatedPerSource, Integer requestsPerToken, Integer eventStreamsPerRun,
            Integer eventStreams) {
        public static final LimitsConfig DEFAULT = new LimitsConfig(null, null, null, null);

        public LimitsConfig {
            unauthenticatedPerSource = unauthenticatedPerSource == null ? 60 : unauthenticatedPerSource;
            requestsPerToken = requestsPerToken == null ? 6000 : requestsPerToken;
            eventStreamsPerRun = eventStreamsPerRun == null ? 20 : eventStreamsPerRun;
            eventStreams = eventStreams == null ? 200 : eventStreams;
        }
    }

    /**
     * Fleet-wide budgets (README "Safety model"), checked against every run, schedule and node in the same transaction
     * that records a termination's intent. Defaults are what a cautious operator starts with.
     *
     * @param maxTerminationsPerHour real terminations in any rolling hour, fleet-wide (default 10)
     * @param maxTerminationsPerDay  real terminations in any rolling 24 hours, fleet-wide (default 50)
     * @param maxGroupsDegraded      groups with a Macaque kill that has not recovered yet, at once (default 3)
     * @param stopConditions         probes of the service in the steady-state syntax ({@code probes}, {@code every},
     *                               {@code tolerance}); while one fails, every termination of every run and schedule is
     *                               held (validated by {@code ConfigLoader}; null: none)
     */
    public record SafetyConfig(Integer maxTerminationsPerHour, Integer maxTerminationsPerDay, Integer maxGroupsDegraded,
                               com.fasterxml.jackson.databind.JsonNode stopConditions) {
        public static final SafetyConfig DEFAULT = new SafetyConfig(null, null, null, null);

        public SafetyConfig(Integer maxTerminationsPerHour, Integer maxTerminationsPerDay, Integer maxGroupsDegraded) {
            this(maxTerminationsPerHour, maxTerminationsPerDay, maxGroupsDegraded, null);
        }

        /** The parsed stop conditions ({@link dev.macaque.engine.probe.SteadyState#NONE} when none are configured). */
        public dev.macaque.engine.probe.SteadyState stopConditionProbes() {
            return new dev.macaque.engine.probe.ProbeParser((path, message) -> {
                throw new IllegalStateException(path + " " + message); // validated at load
            }).steadyState(stopConditions, "safety.stopConditions");
        }

        public SafetyConfig {
            maxTerminationsPerHour = maxTerminationsPerHour == null ? 10 : maxTerminationsPerHour;
            maxTerminationsPerDay = maxTerminationsPerDay == null ? 50 : maxTerminationsPerDay;
            maxGroupsDegraded = maxGroupsDegraded == null ? 3 : maxGroupsDegraded;
        }
    }

    /**
     * @param sessionTimeout       how long a dashboard sign-in lasts; signing out ends it sooner
     * @param simulationsDirectory where the Simulations page looks for the reports of {@code macaque simulate}
     *                             (one folder per run, as {@code --out} writes them); relative to the working
     *                             directory, as {@code ./data} is, so that by default the page shows what
     *                             {@code macaque simulate} wrote from the same folder
     */
    public record DashboardConfig(String sessionTimeout, String simulationsDirectory) {
        /** Where {@code macaque simulate} writes and the Simulations page reads by default. */
        public static final String DEFAULT_SIMULATIONS_DIRECTORY = "simulation-out";
        public static final DashboardConfig DEFAULT = new DashboardConfig(null, null);

        public DashboardConfig {
            sessionTimeout = sessionTimeout == null ? "8h" : sessionTimeout;
            simulationsDirectory = simulationsDirectory == null ? DEFAULT_SIMULATIONS_DIRECTORY : simulationsDirectory;
        }
    }

    /**
     * @param webhooks       where events are posted
     * @param maxAttempts    delivery attempts per event and webhook (first try included)
     * @param initialBackoff wait before the second attempt; doubled for each further one
     * @param weeklyReport   true: the weekly report of the week just ended is posted to the webhooks once a week
     *                       (event {@code report.weekly}); default false
     */
    public record NotificationsConfig(List<WebhookConfig> webhooks, Integer maxAttempts, String initialBackoff, Boolean weeklyReport) {
        public static final NotificationsConfig DEFAULT = new NotificationsConfig(null, null, null, null);

        public NotificationsConfig(List<WebhookConfig> webhooks, Integer maxAttempts, String initialBackoff) {
            this(webhooks, maxAttempts, initialBackoff, null);
        }

        public NotificationsConfig {
            weeklyReport = weeklyReport != null && weeklyReport;
            webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
            maxAttempts = maxAttempts == null ? 5 : maxAttempts;
            initialBackoff = initialBackoff == null ? "1s" : initialBackoff;
        }
    }

    /**
     * @param url    where events are POSTed as JSON
     * @param secret HMAC-SHA256 key for the {@code X-Macaque-Signature} header; never logged
     * @param events event types to send; empty = all
     */
    public record WebhookConfig(String url, String secret, List<String> events) {
        public WebhookConfig {
            events = events == null ? List.of() : List.copyOf(events);
        }

        @Override
        public String toString() {
            return "WebhookConfig[url=" + url + ", secret=" + (secret == null || secret.isEmpty() ? "" : "****") + ", events=" + events + "]";
        }
    }

    /**
     * @param nodeId        this server's name among the nodes sharing a database; default host name and process id
     * @param leaseDuration how long a node's claim on a run or a scheduled decision lasts without renewal
     * @param pollInterval  how often a node looks for due scheduled kills and expired leases
     */
    public record ClusterConfig(String nodeId, String leaseDuration, String pollInterval) {
        public static final ClusterConfig DEFAULT = new ClusterConfig(null, null, null);

        public ClusterConfig {
            leaseDuration = leaseDuration == null ? "30s" : leaseDuration;
            pollInterval = pollInterval == null ? "5s" : pollInterval;
        }
    }

    /**
     * @param url             an endpoint that answers 2xx while there is no incident; anything else postpones
     *                        scheduled kills
     * @param timeout         how long to wait for it
     * @param providerHealth  also postpone while a targeted provider instance is not ready
     */
    public record OutageCheckConfig(String url, String timeout, Boolean providerHealth) {
        public static final OutageCheckConfig DEFAULT = new OutageCheckConfig(null, null, null);

        public OutageCheckConfig {
            timeout = timeout == null ? "5s" : timeout;
            providerHealth = providerHealth == null ? Boolean.TRUE : providerHealth;
        }
    }

    /** Whether real clouds may be touched. Only the simulated cloud is ever unleashed in {@link #LEASHED} mode. */
    public enum Mode {
        @JsonProperty("leashed") LEASHED,
        @JsonProperty("unleashed") UNLEASHED
    }

    /**
     * @param host            address to bind; loopback by default so that a new install is not reachable from outside
     * @param port            TCP port; 0 picks a free one
     * @param shutdownTimeout how long in-flight requests get on SIGTERM
     */
    public record ServerConfig(String host, Integer port, String shutdownTimeout) {
        public static final ServerConfig DEFAULT = new ServerConfig(null, null, null);

        public ServerConfig {
            host = host == null ? "127.0.0.1" : host;
            port = port == null ? 8080 : port;
            shutdownTimeout = shutdownTimeout == null ? "10s" : shutdownTimeout;
        }
    }

    /** @param directory plugin directory; relative paths are resolved against the installation folder ({@code macaque.home}) */
    public record PluginsConfig(String directory) {
        public static final PluginsConfig DEFAULT = new PluginsConfig(null);

        public PluginsConfig {
            directory = directory == null ? "plugins" : directory;
        }
    }

    /**
     * @param format {@code text} (human-readable) or {@code json} (one JSON object per line)
     * @param level  root log level
     */
    public record LoggingConfig(Format format, String level) {
        public static final LoggingConfig DEFAULT = new LoggingConfig(null, null);

        public LoggingConfig {
            format = format == null ? Format.TEXT : format;
            level = level == null ? "INFO" : level;
        }

        public enum Format {
            @JsonProperty("text") TEXT,
            @JsonProperty("json") JSON
        }
    }

    /**
     * @param url         JDBC URL: the embedded H2 file database under {@code ./data/} by default, or PostgreSQL
     *                    ({@code jdbc:postgresql://host:5432/macaque})
     * @param user        database user
     * @param password    database password; never logged
     * @param maxPoolSize connection pool size
     */
    public record DatabaseConfig(String url, String user, String password, Integer maxPoolSize) {
        public static final DatabaseConfig DEFAULT = new DatabaseConfig(null, null, null, null);

        public DatabaseConfig {
            url = url == null ? "jdbc:h2:file:./data/macaque" : url;
            user = user == null ? "macaque" : user;
            password = password == null ? "" : password;
            maxPoolSize = maxPoolSize == null ? 10 : maxPoolSize;
        }

        @com.fasterxml.jackson.annotation.JsonIgnore
        public boolean isH2() {
            return url.startsWith("jdbc:h2:");
        }

        @Override
        public String toString() {
            return "DatabaseConfig[url=" + JdbcUrls.redact(url) + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "****")
                    + ", maxPoolSize=" + maxPoolSize + "]";
        }
    }

    /** The built-in defaults: the simulated demo world on 127.0.0.1:8080, leashed. */
    public static MacaqueConfig defaults() {
        return new MacaqueConfig(null, null, null, null, null,
                Map.of("sim", Map.of("type", "simulated", "world", "demo")));
    }
}
