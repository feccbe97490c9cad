package dev.macaque.dashboard.experiments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.macaque.auth.Access;
import dev.macaque.dashboard.DashboardPages;
import dev.macaque.dashboard.DashboardSessions;
import dev.macaque.dashboard.Frame;
import dev.macaque.dashboard.PageAccess;
import dev.macaque.engine.FieldError;
import dev.macaque.engine.SpecValidationException;
import dev.macaque.experiments.ExperimentService;
import dev.macaque.experiments.RunHistory;
import dev.macaque.experiments.RunView;
import dev.macaque.experiments.RunEventView;
import dev.macaque.experiments.StoredRun;
import dev.macaque.http.Cursors;
import dev.macaque.http.ProblemException;
import dev.macaque.http.RequestBodies;
import io.javalin.http.Context;
import io.javalin.http.sse.SseHandler;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * Experiments: the run history with filters, a run's page that follows the run live over server-sent events (with
 * {@code Abort} while it runs), and the New-experiment form (fields or JSON, errors at their field, dry run checked by
 * default). Runs are started, read and aborted through {@link ExperimentService}, as the API does.
 */
public final class ExperimentPages {
    static final int PAGE_SIZE = 25;
    /** Live run views open at once on this server; each holds a connection and a thread while the run goes on. */
    public static final int MAX_LIVE_VIEWS = 32;
    static final List<String> STATES = List.of("PENDING", "RUNNING", "VERIFYING", "COMPLETED", "FAILED", "ABORTED",
            "NOT_STEADY", "HALTED");

    public record HistoryFilters(String state, String provider, String group) {
        public boolean stateIs(String value) {
            return value.equals(state == null ? "" : state);
        }
    }

    public record HistoryView(HistoryFilters filters, List<String> states, List<StoredRun> runs, String nextCursor) {
    }

    /** @param liveUrl where the page's live updates come from; null once the run has ended */
    public record RunPageView(RunView run, List<RunTimeline.Entry> timeline, String liveUrl) {
    }

    /** The run's state, victims, terminations, refusals and recoveries, and the Abort button while it may be used. */
    public record RunSummary(RunView run, Frame.Viewer viewer) {
        public boolean ended() {
            return ExperimentService.isTerminal(run.state());
        }
    }

    /**
     * @param editor      {@code form} or {@code json}: which editor is in front
     * @param requestId   the Idempotency-Key of this form: a double submit starts one run
     * @param fieldErrors by form field ({@code ""}: about the spec as a whole)
     */
    public record NewExperimentView(SpecForm form, String specJson, String editor, String requestId,
            Map<String, List<String>> fieldErrors, List<String> notInForm, boolean previewAvailable, ExperimentPreviewer.Preview preview) {
        public List<String> errorsOf(String field) {
            return fieldErrors.getOrDefault(field, List.of());
        }

        public boolean hasErrors() {
            return !fieldErrors.isEmpty();
        }

        public String errorId(String field) {
            return "error-" + field;
        }
    }

    private final DashboardPages pages;
    private final ExperimentService experiments;
    private final RunHistory history;
    private final ObjectMapper json;
    private final ObjectMapper prettyJson;
    private final Optional<ExperimentPreviewer> previewer;
    private final DashboardSessions sessions;
    private final Semaphore liveViews = new Semaphore(MAX_LIVE_VIEWS);

    public ExperimentPages(DashboardPages pages, ExperimentService experiments, RunHistory history, ObjectMapper json,
            Optional<ExperimentPreviewer> previewer, DashboardSessions sessions) {
        this.pages = Objects.requireNonNull(pages, "pages is null");
        this.experiments = Objects.requireNonNull(experiments, "experiments is null");
        this.history = Objects.requireNonNull(history, "history is null");
        this.json = Objects.requireNonNull(json, "json is null");
        this.prettyJson = json.copy().enable(SerializationFeature.INDENT_OUTPUT);
        this.previewer = Objects.requireNonNull(previewer, "previewer is null");
        this.sessions = Objects.requireNonNull(sessions, "sessions is null");
    }

    public void history(Context ctx) {
        HistoryFilters filters = new HistoryFilters(blankToNull(ctx.queryParam("state")), blankToNull(ctx.queryParam("provider")),
                blankToNull(ctx.queryParam("group")));
        if (filters.state() != null && !STATES.contains(filters.state())) {
            throw ProblemException.invalid("state must be one of " + String.join(", ", STATES) + "; was '" + filters.state() + "'",
                    "state", "unknown state");
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
                ? experiments.store().list(filters.state(), null, beforeAt, beforeId, PAGE_SIZE + 1)
                : history.runsTouching(filters.state(), filters.provider(), filters.group(), beforeAt, beforeId, PAGE_SIZE + 1);
        String next = null;
        if (rows.size() > PAGE_SIZE) {
            rows = rows.subList(0, PAGE_SIZE);
            StoredRun last = rows.get(rows.size() - 1);
            next = Cursors.encode("run:" + last.createdAt() + "|" + last.id());
        }
        pages.render(ctx, "experiments.jte", "Experiments", Frame.Section.EXPERIMENTS, new HistoryView(filters, STATES, rows, next));
    }

    public void run(Context ctx) {
        RunView run = find(ctx.pathParam("id"));
        List<RunTimeline.Entry> timeline = experiments.store().events(run.id(), 0).stream().map(RunEventView::of).map(RunTimeline::entry).toList();
        long last = timeline.isEmpty() ? 0 : timeline.get(timeline.size() - 1).seq();
        String live = ExperimentService.isTerminal(run.state()) ? null : "/experiments/" + run.id() + "/live?after=" + last;
        pages.render(ctx, "run.jte", "Run " + run.name(), Frame.Section.EXPERIMENTS, new RunPageView(run, timeline, live));
    }

    /**
     * The run's page, live: each new event as a timeline entry ({@code timeline}) followed by the refreshed summary
     * ({@code summary}), and {@code end} with the final summary once the run is over. A reconnecting browser resumes
     * after the last event it got ({@code Last-Event-ID}).
     */
    public void live(Context ctx) throws Exception {
        String id = ctx.pathParam("id");
        find(id);
        long after = sequence(ctx.header("Last-Event-ID"), sequence(ctx.queryParam("after"), 0));
        DashboardSessions.Session session = PageAccess.current(ctx);
        Frame.Viewer viewer = PageAccess.viewer(ctx);
        if (!liveViews.tryAcquire()) {
            throw new ProblemException(503, "too many live run views are open on this server (at most " + MAX_LIVE_VIEWS
                    + "); close some, or reload this page later");
        }
        try {
            new SseHandler(client -> {
                try {
                    boolean ended = experiments.follow(id, after, () -> !client.terminated() && sessions.isLive(session), event -> {
                        client.sendEvent("timeline", line(pages.renderer().fragment("run-event.jte",
                                Map.of("entry", RunTimeline.entry(event)))), Long.toString(event.seq()));
                        client.sendEvent("summary", summary(id, viewer), Long.toString(event.seq()));
                    });
                    if (ended) {
                        client.sendEvent("end", summary(id, viewer), "end");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    throw new IllegalStateException("could not stream run " + id + " to the dashboard", e);
                }
            }).handle(ctx);
        } finally {
            liveViews.release();
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

    public void newForm(Context ctx) {
        SpecForm form = SpecForm.blank();
        render(ctx, 200, form, write(form.toJson(json)), "form", newRequestId(), Map.of(), List.of(), null);
    }

    /**
     * The form's buttons: {@code start} starts the run, {@code preview} asks the previewer, {@code to-json} and
     * {@code to-form} switch editors (the server converts, so that both editors always describe the same spec).
     */
    public void submit(Context ctx) {
        String editor = "json".equals(ctx.formParam("editor")) ? "json" : "form";
        String action = Objects.requireNonNullElse(ctx.formParam("action"), "start");
        String requestId = validRequestId(ctx.formParam("requestId"));
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
                render(ctx, 400, SpecForm.blank(), specText, "json", requestId, Map.of("spec", List.of(message)), List.of(), null);
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
            case "to-json" -> render(ctx, 200, form, specText, "json", requestId, Map.of(), List.of(), null);
            case "to-form" -> render(ctx, 200, form, specText, "form", requestId, Map.of(), notInForm, null);
            case "preview" -> preview(ctx, form, spec, specText, editor, requestId, notInForm);
            case "start" -> start(ctx, form, spec, specText, editor, requestId, notInForm);
            default -> throw ProblemException.invalid("action must be start, preview, to-json or to-form; was '" + action + "'", "action",
                    "unknown action");
        }
    }

    private void preview(Context ctx, SpecForm form, JsonNode spec, String specText, String editor, String requestId, List<String> notInForm) {
        ExperimentPreviewer available = previewer.orElseThrow(() -> new ProblemException(501,
                "previews are not available on this server yet (the target-preview service is not installed)"));
        try {
            render(ctx, 200, form, specText, editor, requestId, Map.of(), notInForm, available.preview(spec));
        } catch (SpecValidationException e) {
            render(ctx, 400, form, specText, editor, requestId, errors(e), notInForm, null);
        }
    }

    private void start(Context ctx, SpecForm form, JsonNode spec, String specText, String editor, String requestId, List<String> notInForm) {
        ExperimentService.Outcome outcome;
        try {
            outcome = experiments.create(spec, Access.principal(ctx), "dashboard-" + requestId, ctx.ip(), null);
        } catch (SpecValidationException e) {
            render(ctx, 400, form, specText, editor, requestId, errors(e), notInForm, null);
            return;
        }
        if (outcome instanceof ExperimentService.Outcome.IdempotencyConflict conflict) {
            // the form was changed after it was already started once: a new form id starts a new run next time
            render(ctx, 409, form, specText, editor, newRequestId(), Map.of("", List.of("This form already started run "
                    + conflict.existingRunId() + " with a different spec; press Start again to start another run.")), notInForm, null);
            return;
        }
        RunView run = outcome instanceof ExperimentService.Outcome.Started started ? started.run()
                : ((ExperimentService.Outcome.Replayed) outcome).run();
        ctx.redirect("/experiments/" + run.id(), io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void render(Context ctx, int status, SpecForm form, String specJson, String editor, String requestId,
            Map<String, List<String>> errors, List<String> notInForm, ExperimentPreviewer.Preview preview) {
        pages.render(ctx, status, "new-experiment.jte", pages.frame(ctx, "New experiment", Frame.Section.NEW_EXPERIMENT),
                new NewExperimentView(form, specJson, editor, requestId, errors, notInForm, previewer.isPresent(), preview));
    }

    private static Map<String, List<String>> errors(SpecValidationException e) {
        Map<String, List<String>> byField = new LinkedHashMap<>();
        for (FieldError error : e.errors()) {
            byField.computeIfAbsent(SpecForm.fieldOf(error), f -> new ArrayList<>()).add(error.toString());
        }
        return byField;
    }

    private String summary(String id, Frame.Viewer viewer) {
        return line(pages.renderer().fragment("run-summary.jte", Map.of("summary", new RunSummary(find(id), viewer))));
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
