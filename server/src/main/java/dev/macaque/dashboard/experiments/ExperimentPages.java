package dev.macaque.dashboard.experiments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.macaque.auth.Access;
import dev.macaque.dashboard.DashboardPages;
import dev.macaque.dashboard.DashboardSessions;
import dev.macaque.dashboard.Frame;
import dev.macaque.dashboard.PageAccess;
import dev.macaque.engine.FieldError;
import dev.macaque.engine.SpecValidationException;
import dev.macaque.experiments.ExperimentRoutes;
import dev.macaque.experiments.ExperimentService;
import dev.macaque.experiments.RunHistory;
import dev.macaque.experiments.RunView;
import dev.macaque.experiments.RunEventBroadcaster;
import dev.macaque.experiments.RunEventView;
import dev.macaque.experiments.StoredRun;
import dev.macaque.experiments.PreviewShown;
import dev.macaque.templates.StoredTemplate;
import dev.macaque.http.Cursors;
import dev.macaque.http.ProblemException;
import dev.macaque.http.RequestBodies;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Experiments: the run history with filters, a run's page that follows the run live over server-sent events (with
 * {@code Abort} while it runs), and the New-experiment form (fields or JSON, errors at their field, dry run checked by
 * default). Runs are started, read and aborted through {@link ExperimentService}, as the API does.
 */
public final class ExperimentPages {
    static final int PAGE_SIZE = 25;
    static final List<String> STATES = java.util.Arrays.stream(dev.macaque.engine.RunState.values()).map(Enum::name).toList();

    public record HistoryFilters(String state, String template, String provider, String group) {
        public boolean stateIs(String value) {
            return value.equals(state == null ? "" : state);
        }

        public boolean templateIs(String value) {
            return value.equals(template == null ? "" : template);
        }
    }

    /** @param templates the template filter's choices: current templates and those past runs were started from */
    /** @param verdicts each listed run's verdict by run id; absent while a run goes on */
    public record HistoryView(HistoryFilters filters, List<String> states, List<String> templates, List<StoredRun> runs,
            String nextCursor, Map<String, dev.macaque.engine.RunVerdict> verdicts) {
        public dev.macaque.engine.RunVerdict verdict(String runId) {
            return verdicts.get(runId);
        }
    }

    /**
     * @param liveUrl   where the page's live updates come from; null once the run has ended
     * @param previewed the preview shown before the run was started, or null
     */
    public record RunPageView(RunView run, List<RunTimeline.Entry> timeline, String liveUrl, PreviewShown previewed) {
        public RunSummary summary(Frame.Viewer viewer) {
            return new RunSummary(run, viewer, previewed == null ? null : previewed.against(run));
        }
    }

    /**
     * The run's state, victims, terminations, refusals and recoveries, and the Abort button while it may be used.
     *
     * @param previewed the victims of the preview shown before the start against those the run picked, or null
     */
    public record RunSummary(RunView run, Frame.Viewer viewer, PreviewShown.Comparison previewed) {
        public boolean ended() {
            return ExperimentService.isTerminal(run.state());
        }
    }

    /**
     * The step between Start and a run that terminates for real: what it will terminate (from a preview of the spec
     * with the seed it will run with), the mode, and a field where the experiment's name must be typed.
     *
     * @param specJson the spec the confirmation starts, seed included
     * @param error    why the last confirmation was not accepted, or null
     */
    public record Confirmation(String name, String specJson, ExperimentPreviewer.Preview preview, String error) {
    }

    /**
     * @param editor      {@code form} or {@code json}: which editor is in front
     * @param requestId   the Idempotency-Key of this form: a double submit starts one run
     * @param fieldErrors by form field ({@code ""}: about the spec as a whole)
     */
    public record NewExperimentView(SpecForm form, String specJson, String editor, String requestId,
            Map<String, List<String>> fieldErrors, List<String> notInForm, boolean previewAvailable, ExperimentPreviewer.Preview preview,
            Start start, Confirmation confirmation) {
        public List<String> errorsOf(String field) {
            return fieldErrors.getOrDefault(field, List.of());
        }

        public boolean hasErrors() {
            return !fieldErrors.isEmpty();
        }

        public String errorId(String field) {
            return "error-" + field;
        }

        public boolean selected(SpecTemplates.Choice choice) {
            return start.origin() != null && start.origin().name().equals(choice.name());
        }
    }

    /**
     * What the spec in the editor starts from.
     *
     * @param templates the templates to choose from
     * @param origin    the template it was loaded from, or null for a blank spec
     * @param asStored  whether the spec is still that template as stored (then a run names the template)
     */
    public record Start(List<SpecTemplates.Choice> templates, SpecTemplates.Origin origin, boolean asStored) {
    }

    private final DashboardPages pages;
    private final ExperimentService experiments;
    private final RunHistory history;
    private final ObjectMapper json;
    private final ObjectMapper prettyJson;
    private final Optional<ExperimentPreviewer> previewer;
    private final DashboardSessions sessions;
    private final RunEventBroadcaster broadcaster;
    private final LiveSummaries summaries = new LiveSummaries();
    private final SpecTemplates templates;
    private final RecentPreviews recentPreviews = new RecentPreviews();
    private final java.time.Clock clock;

    public ExperimentPages(DashboardPages pages, ExperimentService experiments, RunHistory history, ObjectMapper json,
            Optional<ExperimentPreviewer> previewer, DashboardSessions sessions, RunEventBroadcaster broadcaster, SpecTemplates templates,
            java.time.Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.pages = Objects.requireNonNull(pages, "pages is null");
        this.experiments = Objects.requireNonNull(experiments, "experiments is null");
        this.history = Objects.requireNonNull(history, "history is null");
        this.json = Objects.requireNonNull(json, "json is null");
        this.prettyJson = json.copy().enable(SerializationFeature.INDENT_OUTPUT);
        this.previewer = Objects.requireNonNull(previewer, "previewer is null");
        this.sessions = Objects.requireNonNull(sessions, "sessions is null");
        this.broadcaster = Objects.requireNonNull(broadcaster, "broadcaster is null");
        this.templates = Objects.requireNonNull(templates, "templates is null");
    }

    public void history(Context ctx) {
        HistoryFilters filters = new HistoryFilters(blankToNull(ctx.queryParam("state")), blankToNull(ctx.queryParam("template")),
                blankToNull(ctx.queryParam("provider")), blankToNull(ctx.queryParam("group")));
        if (filters.state() != null && !STATES.contains(filters.state())) {
            throw ProblemException.invalid("state must be one of " + String.join(", ", STATES) + "; was '" + filters.state() + "'",
                    "state", "unknown state");
        }
        List<String> knownTemplates = knownTemplates();
        if (filters.template() != null && !knownTemplates.contains(filters.template())) {
            throw ExperimentRoutes.noSuchTemplate(filters.template(), knownTemplates);
        }
        Instant beforeAt = null;
        String beforeId = null;
        String cursor = blankToNull(ctx.queryParam("cursor"));
        if (cursor != null) {
            String position = Cursors.decode(cursor, "run:");
            int bar = position.indexOf('|');
            try {
                beforeAt = Instant.parse(position.substring(0, Math.max(bar, 0)));
                beforeId = position.substring(bar + 1);
            } catch (DateTimeParseException | StringIndexOutOfBoundsException e) {
                throw ProblemException.invalid("cursor is not valid: use the Older runs link", "cursor", "not a cursor of this page");
            }
        }
        List<StoredRun> rows = filters.provider() == null && filters.group() == null
                ? experiments.store().list(filters.state(), filters.template(), null, beforeAt, beforeId, PAGE_SIZE + 1)
                : history.runsTouching(filters.state(), filters.template(), filters.provider(), filters.group(), beforeAt, beforeId,
                        PAGE_SIZE + 1);
        String next = null;
        if (rows.size() > PAGE_SIZE) {
            rows = rows.subList(0, PAGE_SIZE);
            StoredRun last = rows.get(rows.size() - 1);
            next = Cursors.encode("run:" + last.createdAt() + "|" + last.id());
        }
        Map<String, dev.macaque.engine.RunVerdict> verdicts = new java.util.HashMap<>();
        for (StoredRun row : rows) {
            dev.macaque.engine.RunVerdict verdict = experiments.verdictOf(row);
            if (verdict != null) {
                verdicts.put(row.id(), verdict);
            }
        }
        pages.render(ctx, "experiments.jte", "Experiments", Frame.Section.EXPERIMENTS, new HistoryView(filters, STATES, knownTemplates, rows,
                next, verdicts));
    }

    /** How many template names of past runs the filter offers, beside the current templates. */
    static final int MAX_TEMPLATES_USED = 500;

    /** Current templates and those past runs were started from (a deleted template's runs stay findable), in name order. */
    private List<String> knownTemplates() {
        TreeSet<String> known = new TreeSet<>();
        templates.choices().forEach(choice -> known.add(choice.name()));
        known.addAll(history.templatesUsed(MAX_TEMPLATES_USED));
        return List.copyOf(known);
    }

    public void run(Context ctx) {
        RunView run = find(ctx.pathParam("id"));
        List<RunTimeline.Entry> timeline = experiments.store().events(run.id(), 0).stream().map(RunEventView::of).map(RunTimeline::entry).toList();
        long last = timeline.isEmpty() ? 0 : timeline.get(timeline.size() - 1).seq();
        String live = ExperimentService.isTerminal(run.state()) ? null : "/experiments/" + run.id() + "/live?after=" + last;
        pages.render(ctx, "run.jte", "Run " + run.name(), Frame.Section.EXPERIMENTS, new RunPageView(run, timeline, live,
                experiments.previewShown(run.id()).orElse(null)));
    }

    /**
     * The run's page, live: each new event as a timeline entry ({@code timeline}) followed by the refreshed summary
     * ({@code summary}), and {@code end} with the final summary once the run is over. The events come from the
     * {@link RunEventBroadcaster}, as the API's event stream does: one read of the store per run however many pages
     * watch it, every viewer a bounded subscriber of it (503 beyond {@code limits.eventStreamsPerRun} /
     * {@code limits.eventStreams}), and no request thread held. A reconnecting browser resumes after the last event it
     * got ({@code Last-Event-ID}).
     */
    public void live(Context ctx) {
        String id = ctx.pathParam("id");
        find(id);
        long after = sequence(ctx.header("Last-Event-ID"), sequence(ctx.queryParam("after"), 0));
        LiveView view = new LiveView(id, after, PageAccess.viewer(ctx), PageAccess.current(ctx), experiments.previewShown(id).orElse(null));
        RunEventBroadcaster.Slot slot;
        try {
            slot = broadcaster.reserve(id);
        } catch (RunEventBroadcaster.TooManySubscribers e) {
            ctx.header("Retry-After", "30");
            throw new ProblemException(503, e.getMessage() + "; close other views of this run, or reload this page later");
        }
        try {
            new SseHandler(client -> {
                client.keepAlive();
                view.client = client;
                slot.attach(view);
            }).handle(ctx);
        } catch (RuntimeException e) {
            slot.release();
            throw e;
        }
    }

    /** One open run page, as the broadcaster sees it; called only from the broadcaster's thread. */
    private final class LiveView implements RunEventBroadcaster.Subscriber {
        private final String runId;
        private final long after;
        private final Frame.Viewer viewer;
        private final DashboardSessions.Session session;
        private final PreviewShown previewed;
        private volatile SseClient client;

        LiveView(String runId, long after, Frame.Viewer viewer, DashboardSessions.Session session, PreviewShown previewed) {
            this.runId = runId;
            this.after = after;
            this.viewer = viewer;
            this.session = session;
            this.previewed = previewed;
        }

        private String summary(RunView run) {
            return ExperimentPages.this.summary(new RunSummary(run, viewer, previewed == null ? null : previewed.against(run)));
        }

        @Override
        public void send(RunEventView event) {
            // the broadcaster sends every subscriber the run's events from the first: the page already shows those up to `after`
            if (event.seq() <= after) {
                return;
            }
            String id = Long.toString(event.seq());
            client.sendEvent("timeline", line(pages.renderer().fragment("run-event.jte", Map.of("entry", RunTimeline.entry(event)))), id);
            client.sendEvent("summary", summary(summaries.at(runId, event.seq())), id);
            failIfGone();
        }

        @Override
        public void heartbeat() {
            client.sendComment("heartbeat");
            failIfGone();
        }

        @Override
        public void end(String runId) {
            client.sendEvent("end", summary(summaries.last(runId)), "end");
        }

        /** Gone when the browser hung up, or its session ended (sign-out, expiry, revoked token). */
        @Override
        public boolean closed() {
            return client.terminated() || !sessions.isLive(session);
        }

        @Override
        public void close() {
            client.close();
        }

        private void failIfGone() {
            if (closed()) {
                throw new IllegalStateException("the page was closed");
            }
        }
    }

    /**
     * The run's view after an event, read once for every page watching the run: the broadcaster hands each event to
     * all of a run's subscribers in turn, so the first reads and the others reuse it. Only the runs watched most
     * recently are kept (pages closed before their run ended leave nothing behind for long).
     */
    private final class LiveSummaries {
        private static final int RUNS_KEPT = 64;

        private record Read(long seq, RunView view) {
        }

        private final Map<String, Read> byRun = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Read> eldest) {
                return size() > RUNS_KEPT;
            }
        };

        synchronized RunView at(String runId, long seq) {
            Read read = byRun.get(runId);
            if (read == null || read.seq() != seq) {
                read = new Read(seq, find(runId));
                byRun.put(runId, read);
            }
            return read.view();
        }

        /** The final view; the run is over, so nothing is kept for it. */
        synchronized RunView last(String runId) {
            byRun.remove(runId);
            return find(runId);
        }
    }

    public void abort(Context ctx) {
        String id = ctx.pathParam("id");
        RunView run = find(id);
        if (ExperimentService.isTerminal(run.state())) {
            DashboardPages.redirect(ctx, "/experiments/" + id, "already-ended");
            return;
        }
        var principal = Access.principal(ctx);
        Optional<RunView> aborted = experiments.abort(id, principal, "aborted from the dashboard by " + principal.display(), ctx.ip());
        DashboardPages.redirect(ctx, "/experiments/" + id, aborted.isPresent() ? "abort-requested" : "already-ended");
    }

    /**
     * A blank spec, or with {@code ?template=NAME} the template's latest version: in the form, or in the JSON editor
     * when the template has fields the form cannot show. Either way it starts as a dry run.
     */
    public void newForm(Context ctx) {
        String name = blankToNull(ctx.queryParam("template"));
        if (name == null) {
            SpecForm form = SpecForm.blank();
            String group = blankToNull(ctx.queryParam("group"));
            if (group != null) {
                form = SpecForm.targeting(group).orElseThrow(() -> ProblemException.invalid("group must be provider/region/name, was '"
                        + group + "'", "group", "not a group id"));
            }
            render(ctx, 200, form, write(form.toJson(json)), "form", newRequestId(), Map.of(), List.of(), null, null, form.toJson(json));
            return;
        }
        StoredTemplate template = templates.latest(name).orElseThrow(() -> new ProblemException(404, "no template named '" + name
                + "'; the New-experiment page lists the templates there are"));
        ObjectNode spec = template.spec().deepCopy();
        spec.put("dryRun", true);
        SpecForm.Conversion conversion = SpecForm.fromJson(spec);
        String editor = conversion.notInForm().isEmpty() ? "form" : "json";
        render(ctx, 200, conversion.form(), write(spec), editor, newRequestId(), Map.of(), List.of(), null,
                new SpecTemplates.Origin(template.name(), template.version()), spec);
    }

    /**
     * The form's buttons: {@code start} starts the run, {@code preview} asks the previewer, {@code to-json} and
     * {@code to-form} switch editors (the server converts, so that both editors always describe the same spec).
     */
    public void submit(Context ctx) {
        String editor = "json".equals(ctx.formParam("editor")) ? "json" : "form";
        String action = Objects.requireNonNullElse(ctx.formParam("action"), "start");
        String requestId = validRequestId(ctx.formParam("requestId"));
        SpecTemplates.Origin origin = SpecTemplates.Origin.parse(ctx.formParam("template"), ctx.formParam("templateVersion"));
        SpecForm form;
        String specText;
        JsonNode spec;
        List<String> notInForm = List.of();
        if (editor.equals("json")) {
            specText = Objects.requireNonNullElse(ctx.formParam("spec"), "");
            try {
                spec = json.readTree(specText);
                if (spec == null || !spec.isObject()) {
                    throw new IllegalArgumentException("the spec must be a JSON object");
                }
                RequestBodies.checkLimits(spec);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                String message = e instanceof JsonProcessingException p ? "not valid JSON: " + p.getOriginalMessage()
                        + " (line " + p.getLocation().getLineNr() + ", column " + p.getLocation().getColumnNr() + ")" : e.getMessage();
                render(ctx, 400, SpecForm.blank(), specText, "json", requestId, Map.of("spec", List.of(message)), List.of(), null, origin, null);
                return;
            }
            SpecForm.Conversion conversion = SpecForm.fromJson(spec);
            form = conversion.form();
            notInForm = conversion.notInForm();
        } else {
            form = SpecForm.from(ctx);
            spec = form.toJson(json);
            specText = write(spec);
        }
        switch (action) {
            case "to-json" -> render(ctx, 200, form, specText, "json", requestId, Map.of(), List.of(), null, origin, spec);
            case "to-form" -> render(ctx, 200, form, specText, "form", requestId, Map.of(), notInForm, null, origin, form.toJson(json));
            case "preview" -> preview(ctx, new Editing(form, spec, specText, editor, requestId, notInForm, origin), false, null);
            case "start" -> start(ctx, new Editing(form, spec, specText, editor, requestId, notInForm, origin));
            default -> throw ProblemException.invalid("action must be start, preview, to-json or to-form; was '" + action + "'", "action",
                    "unknown action");
        }
    }

    /** The spec being edited, as one post of the form carries it. */
    private record Editing(SpecForm form, JsonNode spec, String specText, String editor, String requestId, List<String> notInForm,
            SpecTemplates.Origin origin) {
    }

    /** The same spec with the seed a preview ran with: the form carries it, so that Start runs what was previewed. */
    private Editing withSeed(Editing e, long seed) {
        ObjectNode spec = ((ObjectNode) e.spec()).deepCopy();
        spec.put("seed", seed);
        return new Editing(e.form().withSeed(Long.toString(seed)), spec, write(spec), e.editor(), e.requestId(), e.notInForm(),
                e.origin());
    }

    /**
     * Previews the spec and puts the preview's seed into the form, so that Start runs what was shown; remembers the
     * preview for that start. Shows the preview at the top of the page, or for a real kill ({@code confirming}) the
     * confirmation step, with {@code error} about the last name typed.
     */
    private void preview(Context ctx, Editing e, boolean confirming, String error) {
        ExperimentPreviewer.Preview preview;
        try {
            preview = previewOf(ctx, e.spec());
        } catch (SpecValidationException invalid) {
            render(ctx, 400, e, errors(invalid), null, null);
            return;
        }
        Editing seeded = withSeed(e, preview.seed());
        if (confirming && preview.eligibleGroups().isEmpty()) {
            render(ctx, 422, seeded, Map.of("", List.of("No group is eligible for this experiment, so there is nothing to confirm: "
                    + "see the preview for why each group is excluded.")), preview, null);
            return;
        }
        remember(ctx, seeded, preview);
        render(ctx, 200, seeded, Map.of(), confirming ? null : preview,
                confirming ? new Confirmation(seeded.spec().path("name").asText(), seeded.specText(), preview, error) : null);
    }

    private ExperimentPreviewer.Preview previewOf(Context ctx, JsonNode spec) {
        return previewer.orElseThrow(() -> new ProblemException(501,
                "previews are not available on this server yet (the target-preview service is not installed)"))
                .preview(dev.macaque.experiments.ScopedSpecs.within(spec, Access.principal(ctx).scope()));
    }

    private void remember(Context ctx, Editing seeded, ExperimentPreviewer.Preview preview) {
        recentPreviews.remember(seeded.requestId(), Access.principal(ctx).tokenId(), SpecTemplates.readBack(json, seeded.spec()),
                new PreviewShown(clock.instant(), preview.seed(), preview.victims()));
    }

    /**
     * Starts the spec. One that is not a dry run needs the experiment's name typed into {@code confirm}: without it
     * nothing is created and the page shows what the run would terminate, with the seed it will run with.
     */
    private void start(Context ctx, Editing e) {
        boolean realKill = !e.spec().path("dryRun").asBoolean(false);
        String name = e.spec().path("name").asText("");
        String confirm = ctx.formParam("confirm");
        if (realKill && (confirm == null || name.isEmpty() || !confirm.trim().equals(name))) {
            preview(ctx, e, true, confirm == null ? null : "The name typed, '" + confirm.trim() + "', is not the experiment's name, '"
                    + name + "': nothing was started.");
            return;
        }
        PreviewShown shown = recentPreviews.of(e.requestId(), Access.principal(ctx).tokenId(), SpecTemplates.readBack(json, e.spec()))
                .orElse(null);
        ExperimentService.Outcome outcome;
        try {
            outcome = experiments.create(e.spec(), Access.principal(ctx), "dashboard-" + e.requestId(), ctx.ip(),
                    templates.refFor(e.origin(), e.spec()), shown);
        } catch (SpecValidationException invalid) {
            render(ctx, 400, e, errors(invalid), null, null);
            return;
        } catch (ExperimentService.NothingToRun nothing) {
            render(ctx, 422, e, Map.of("", List.of(nothing.getMessage())), null, null);
            return;
        }
        if (outcome instanceof ExperimentService.Outcome.IdempotencyConflict conflict) {
            // the form was changed after it was already started once: a new form id starts a new run next time
            render(ctx, 409, e.form(), e.specText(), e.editor(), newRequestId(), Map.of("", List.of("This form already started run "
                    + conflict.existingRunId() + " with a different spec; press Start again to start another run.")), e.notInForm(), null,
                    e.origin(), e.spec(), null);
            return;
        }
        RunView run = outcome instanceof ExperimentService.Outcome.Started started ? started.run()
                : ((ExperimentService.Outcome.Replayed) outcome).run();
        ctx.redirect("/experiments/" + run.id(), io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void render(Context ctx, int status, Editing e, Map<String, List<String>> errors, ExperimentPreviewer.Preview preview,
            Confirmation confirmation) {
        render(ctx, status, e.form(), e.specText(), e.editor(), e.requestId(), errors, e.notInForm(), preview, e.origin(), e.spec(),
                confirmation);
    }

    /** @param spec the spec as the editor holds it (null when it is not valid JSON), to tell whether it is still its template */
    private void render(Context ctx, int status, SpecForm form, String specJson, String editor, String requestId,
            Map<String, List<String>> errors, List<String> notInForm, ExperimentPreviewer.Preview preview, SpecTemplates.Origin origin,
            JsonNode spec) {
        render(ctx, status, form, specJson, editor, requestId, errors, notInForm, preview, origin, spec, null);
    }

    private void render(Context ctx, int status, SpecForm form, String specJson, String editor, String requestId,
            Map<String, List<String>> errors, List<String> notInForm, ExperimentPreviewer.Preview preview, SpecTemplates.Origin origin,
            JsonNode spec, Confirmation confirmation) {
        Start start = new Start(templates.choices(), origin, origin != null && spec != null && templates.refFor(origin, spec) != null);
        pages.render(ctx, status, "new-experiment.jte", pages.frame(ctx, "New experiment", Frame.Section.NEW_EXPERIMENT),
                new NewExperimentView(form, specJson, editor, requestId, errors, notInForm, previewer.isPresent(), preview, start,
                        confirmation));
    }

    private static Map<String, List<String>> errors(SpecValidationException e) {
        Map<String, List<String>> byField = new LinkedHashMap<>();
        for (FieldError error : e.errors()) {
            byField.computeIfAbsent(SpecForm.fieldOf(error), f -> new ArrayList<>()).add(error.toString());
        }
        return byField;
    }

    private String summary(RunSummary summary) {
        return line(pages.renderer().fragment("run-summary.jte", Map.of("summary", summary)));
    }

    /** One line per SSE message: htmx swaps the message's data as it is. */
    private static String line(String html) {
        return html.replace("\r", "").replace('\n', ' ');
    }

    private RunView find(String id) {
        return experiments.view(id).orElseThrow(() -> new ProblemException(404, "no experiment run with id '" + id + "'"));
    }

    private String write(JsonNode node) {
        try {
            return prettyJson.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long sequence(String text, long fallback) {
        if (text == null || !text.matches("\\d{1,18}")) {
            return fallback;
        }
        return Long.parseLong(text);
    }

    private static String newRequestId() {
        return UUID.randomUUID().toString();
    }

    private static String validRequestId(String given) {
        return given != null && given.matches("[0-9a-f-]{36}") ? given : newRequestId();
    }

    static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
