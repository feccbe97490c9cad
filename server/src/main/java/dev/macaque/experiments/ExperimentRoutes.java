package dev.macaque.experiments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.auth.Access;
import dev.macaque.auth.Principal;
import dev.macaque.auth.Role;
import dev.macaque.engine.FieldError;
import dev.macaque.engine.SpecValidationException;
import dev.macaque.http.Cursors;
import dev.macaque.http.Problem;
import dev.macaque.http.ProblemException;
import dev.macaque.http.RequestBodies;
import dev.macaque.http.RouteGroup;
import dev.macaque.text.Suggestions;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Experiment runs over HTTP: create (asynchronous, idempotent with {@code Idempotency-Key}), read, list, follow the
 * events (JSON, or a live {@code text/event-stream}), abort.
 */
public final class ExperimentRoutes implements RouteGroup {
    private static final Set<String> STATES = Set.copyOf(RunStates.NAMES);
    private static final int MAX_IDEMPOTENCY_KEY = 200;
    /** Template names are at most 100 characters ({@code TemplateRoutes}); a longer filter cannot name one. */
    private static final int MAX_TEMPLATE_NAME = 100;
    /** How many template names of past runs an unknown-template answer considers for its suggestion. */
    private static final int TEMPLATES_CONSIDERED = 500;

    private final ExperimentService experiments;
    private final Access access;
    private final ObjectMapper json;
    private final RunEventBroadcaster broadcaster;
    private final RunHistory history;
    private final TemplateNames templates;

    @Inject
    public ExperimentRoutes(ExperimentService experiments, Access access, ObjectMapper json, RunEventBroadcaster broadcaster,
            RunHistory history, TemplateNames templates) {
        this.broadcaster = Objects.requireNonNull(broadcaster, "broadcaster is null");
        this.history = Objects.requireNonNull(history, "history is null");
        this.templates = Objects.requireNonNull(templates, "templates is null");
        this.experiments = Objects.requireNonNull(experiments, "experiments is null");
        this.access = Objects.requireNonNull(access, "access is null");
        this.json = Objects.requireNonNull(json, "json is null");
    }

    public record RunPage(List<RunSummary> items, String nextCursor) {
    }

    /**
     * @param template      the template the run was started from, null when it was not (or was created before this was kept)
     * @param verdict       what the finished run means (as its {@code GET}); null while it goes on
     * @param verdictReason the verdict's one line; null while the run goes on
     */
    public record RunSummary(String id, String name, String state, @com.fasterxml.jackson.databind.annotation.JsonSerialize(using = JsonSafeSeed.class) long seed, boolean dryRun, String createdBy, Instant createdAt,
            Instant updatedAt, String template, dev.macaque.engine.Verdict verdict, String verdictReason) {
        static RunSummary of(StoredRun r, dev.macaque.engine.RunVerdict verdict) {
            return new RunSummary(r.id(), r.name(), r.state(), r.seed(), r.dryRun(), r.createdBy(), r.createdAt(), r.updatedAt(),
                    r.templateName(), verdict == null ? null : verdict.verdict(), verdict == null ? null : verdict.reason());
        }
    }

    public record EventList(String runId, String state, List<RunEventView> items) {
    }

    public record AbortRequest(String reason) {
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.post("/api/v1/experiments", access.require(Role.OPERATOR, this::create));
        routes.post("/api/v1/experiments/preview", access.require(Role.VIEWER, this::preview));
        routes.get("/api/v1/experiments", access.require(Role.VIEWER, this::list));
        routes.get("/api/v1/experiments/{id}", access.require(Role.VIEWER, this::get));
        routes.get("/api/v1/experiments/{id}/events", access.require(Role.VIEWER, this::events));
        routes.post("/api/v1/experiments/{id}/abort", access.require(Role.OPERATOR, this::abort));
    }

    private void create(Context ctx) {
        String key = ctx.header("Idempotency-Key");
        if (key != null && (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY || !key.chars().allMatch(ch -> ch > 32 && ch < 127))) {
            throw new ProblemException(400, ProblemException.VALIDATION, "Idempotency-Key must be 1-" + MAX_IDEMPOTENCY_KEY
                    + " visible ASCII characters", List.of(new Problem.FieldError("Idempotency-Key", "invalid header value")));
        }
        JsonNode body = RequestBodies.tree(ctx, json);
        RequestBodies.checkLimits(body);
        RunView run = start(ctx, body, key, null);
        ctx.status(201).header("Location", "/api/v1/experiments/" + run.id()).json(run);
    }

    /**
     * Starts a run of {@code body} (also for templates): 400 for an invalid spec, 422 with the preview's exclusions when
     * nothing is eligible, 409 for a reused idempotency key with another body.
     */
    public RunView start(Context ctx, JsonNode body, String key, RunView.TemplateRef template) {
        ExperimentService.Outcome outcome;
        try {
            outcome = experiments.create(body, Access.principal(ctx), key, ctx.ip(), template);
        } catch (SpecValidationException e) {
            throw invalid(e);
        } catch (ExperimentService.NothingToRun e) {
            throw new ProblemException(422, NOTHING_TO_RUN, e.getMessage(), List.of(), e.preview().excluded());
        } catch (RunPredictor.NotPredictable e) {
            throw notPredictable(e);
        } catch (RunPredictor.Busy e) {
            throw predictionsBusy(ctx, e);
        }
        if (outcome instanceof ExperimentService.Outcome.IdempotencyConflict conflict) {
            throw new ProblemException(409, "https://macaque.dev/problems/idempotency-conflict", "Idempotency-Key '" + key
                    + "' was already used with a different request body (for run " + conflict.existingRunId() + ")", List.of());
        }
        return outcome instanceof ExperimentService.Outcome.Started started ? started.run()
                : ((ExperimentService.Outcome.Replayed) outcome).run();
    }

    /** Problem type of a 422: {@code "predict": true}, and the fleet is larger than the server predicts for. */
    public static final String PREDICTION_TOO_LARGE = "https://macaque.dev/problems/prediction-too-large";
    /** Problem type of a 422: {@code "predict": true}, and no prediction can be made (several providers, one unavailable). */
    public static final String PREDICTION_NOT_POSSIBLE = "https://macaque.dev/problems/prediction-not-possible";

    /** Nothing is predicted in part, and a run asked to be predicted is not started without its prediction. */
    /** Predictions run on the request thread, so their number is bounded; a client may try again shortly. */
    public static ProblemException predictionsBusy(Context ctx, RunPredictor.Busy e) {
        ctx.header("Retry-After", "5");
        return new ProblemException(503, e.getMessage());
    }

    public static ProblemException notPredictable(RunPredictor.NotPredictable e) {
        return new ProblemException(422, e.tooLarge() ? PREDICTION_TOO_LARGE : PREDICTION_NOT_POSSIBLE,
                "cannot predict this experiment: " + e.getMessage(), List.of(new Problem.FieldError("predict", e.getMessage())));
    }

    /** Problem type of a 422: the spec is valid, but its targets leave nothing to do. */
    public static final String NOTHING_TO_RUN = "https://macaque.dev/problems/nothing-to-run";

    public static ProblemException invalid(SpecValidationException e) {
        List<Problem.FieldError> errors = e.errors().stream().map(ExperimentRoutes::fieldError).toList();
        return new ProblemException(400, ProblemException.VALIDATION, "invalid experiment: " + String.join("; ",
                e.errors().stream().map(FieldError::toString).toList()), errors);
    }

    private void preview(Context ctx) {
        JsonNode body = RequestBodies.tree(ctx, json);
        RequestBodies.checkLimits(body);
        try {
            ctx.json(experiments.preview(body, Access.principal(ctx)));
        } catch (SpecValidationException e) {
            throw invalid(e);
        } catch (RunPredictor.NotPredictable e) {
            throw notPredictable(e);
        } catch (RunPredictor.Busy e) {
            throw predictionsBusy(ctx, e);
        }
    }

    private static Problem.FieldError fieldError(FieldError error) {
        return new Problem.FieldError(error.path(), error.message());
    }

    private RunView find(String id) {
        return experiments.view(id).orElseThrow(() -> new ProblemException(404, "no experiment run with id '" + id + "'"));
    }

    private void get(Context ctx) {
        ctx.json(find(ctx.pathParam("id")));
    }

    private void list(Context ctx) {
        int limit = Cursors.limit(ctx.queryParam("limit"), 20, 200);
        String state = ctx.queryParam("state");
        if (state != null && !STATES.contains(state)) {
            throw new ProblemException(400, ProblemException.VALIDATION, "state must be one of " + String.join(", ", new java.util.TreeSet<>(STATES))
                    + "; was '" + state + "'", List.of(new Problem.FieldError("state", "unknown state")));
        }
        Instant since = null;
        if (ctx.queryParam("since") != null) {
            try {
                since = Instant.parse(ctx.queryParam("since"));
            } catch (DateTimeParseException e) {
                throw new ProblemException(400, ProblemException.VALIDATION, "since must be an ISO-8601 instant such as 2026-01-31T09:00:00Z, was '"
                        + ctx.queryParam("since") + "'", List.of(new Problem.FieldError("since", "not an ISO-8601 instant")));
            }
        }
        Instant beforeAt = null;
        String beforeId = null;
        if (ctx.queryParam("cursor") != null) {
            String position = Cursors.decode(ctx.queryParam("cursor"), "run:");
            int bar = position.indexOf('|');
            try {
                beforeAt = Instant.parse(position.substring(0, Math.max(bar, 0)));
                beforeId = position.substring(bar + 1);
            } catch (DateTimeParseException | StringIndexOutOfBoundsException e) {
                throw new ProblemException(400, ProblemException.VALIDATION, "cursor is not valid: pass back the nextCursor of a previous page",
                        List.of(new Problem.FieldError("cursor", "not a cursor returned by this API")));
            }
        }
        String template = ctx.queryParam("template");
        if (template != null && (template.isEmpty() || template.length() > MAX_TEMPLATE_NAME)) {
            throw new ProblemException(400, ProblemException.VALIDATION, "template must be a template name of 1-" + MAX_TEMPLATE_NAME
                    + " characters", List.of(new Problem.FieldError("template", "not a template name")));
        }
        List<StoredRun> rows = experiments.store().list(state, template, since, beforeAt, beforeId, limit + 1);
        if (template != null && rows.isEmpty() && beforeAt == null) {
            requireKnownTemplate(template);
        }
        String next = null;
        if (rows.size() > limit) {
            rows = rows.subList(0, limit);
            StoredRun last = rows.get(rows.size() - 1);
            next = Cursors.encode("run:" + last.createdAt() + "|" + last.id());
        }
        ctx.json(new RunPage(rows.stream().map(r -> RunSummary.of(r, experiments.verdictOf(r))).toList(), next));
    }

    /** Problem type of a 404: the history's {@code template} filter names no template, now or in any run. */
    public static final String NO_SUCH_TEMPLATE = "https://macaque.dev/problems/no-such-template";

    /**
     * An empty page for a typo would read as "this template never ran": a name that is no current template and that no
     * run was started from is answered 404 instead, with the closest known name. A deleted template's runs still match.
     */
    private void requireKnownTemplate(String template) {
        List<String> current = templates.current();
        if (current.contains(template)) {
            return;
        }
        SortedSet<String> known = new TreeSet<>(current);
        known.addAll(history.templatesUsed(TEMPLATES_CONSIDERED));
        if (known.contains(template)) {
            return;
        }
        throw noSuchTemplate(template, known);
    }

    /** The 404 of a history filter by {@code template} that is none of the {@code known} names (current ones and those runs came from). */
    public static ProblemException noSuchTemplate(String template, Collection<String> known) {
        return new ProblemException(404, NO_SUCH_TEMPLATE, "no template named '" + template + "', and no run was started from one"
                + Suggestions.closest(template, known).map(s -> "; did you mean '" + s + "'?").orElse(""),
                List.of(new Problem.FieldError("template", "no such template")));
    }

    private void events(Context ctx) throws Exception {
        String id = ctx.pathParam("id");
        RunView run = find(id);
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("text/event-stream")) {
            RunEventBroadcaster.Slot slot;
            try {
                slot = broadcaster.reserve(id);
            } catch (RunEventBroadcaster.TooManySubscribers e) {
                ctx.header("Retry-After", "30");
                throw new ProblemException(503, "https://macaque.dev/problems/too-many-streams", e.getMessage()
                        + "; retry later, or read the events without Accept: text/event-stream", List.of());
            }
            try {
                // The request thread returns at once (keepAlive); the broadcaster pushes the run's events to the client.
                new SseHandler(client -> {
                    client.keepAlive();
                    slot.attach(new SseSubscriber(client, json, experiments));
                }).handle(ctx);
            } catch (RuntimeException e) {
                slot.release();
                throw e;
            }
            return;
        }
        ctx.json(new EventList(id, run.state(), experiments.store().events(id, 0).stream().map(RunEventView::of).toList()));
    }

    /** A live stream as the broadcaster sees it. */
    private record SseSubscriber(SseClient client, ObjectMapper json, ExperimentService experiments) implements RunEventBroadcaster.Subscriber {
        @Override
        public void send(RunEventView event) throws JsonProcessingException {
            client.sendEvent(event.type(), json.writeValueAsString(event), Long.toString(event.seq()));
            failIfGone();
        }

        @Override
        public void heartbeat() {
            client.sendComment("heartbeat");
            failIfGone();
        }

        @Override
        public void end(String runId) throws JsonProcessingException {
            // the end says how the run ended, so a follower needs no second request to know its verdict
            java.util.Map<String, Object> end = new java.util.LinkedHashMap<>();
            end.put("runId", runId);
            experiments.view(runId).ifPresent(run -> {
                end.put("state", run.state());
                end.put("verdict", run.verdict());
                end.put("verdictReason", run.verdictReason());
            });
            client.sendEvent("end", json.writeValueAsString(end), "end");
        }

        @Override
        public boolean closed() {
            return client.terminated();
        }

        @Override
        public void close() {
            client.close();
        }

        private void failIfGone() {
            if (client.terminated()) {
                throw new IllegalStateException("the client hung up");
            }
        }
    }

    private static boolean isTerminal(String state) {
        return ExperimentService.isTerminal(state);
    }

    private void abort(Context ctx) {
        String id = ctx.pathParam("id");
        RunView run = find(id);
        String reason = null;
        if (!ctx.body().isBlank()) {
            AbortRequest request = RequestBodies.read(ctx, json, AbortRequest.class);
            if (request.reason() != null && request.reason().length() > 500) {
                throw new ProblemException(400, ProblemException.VALIDATION, "reason must be at most 500 characters",
                        List.of(new Problem.FieldError("reason", "at most 500 characters")));
            }
            reason = request.reason();
        }
        if (isTerminal(run.state())) {
            throw new ProblemException(409, "run " + id + " has already ended (" + run.state() + ")");
        }
        Principal principal = Access.principal(ctx);
        RunView aborted = experiments.abort(id, principal, reason, ctx.ip())
                .orElseThrow(() -> new ProblemException(409, "run " + id + " has already ended"));
        ctx.status(202).json(aborted);
    }
}
