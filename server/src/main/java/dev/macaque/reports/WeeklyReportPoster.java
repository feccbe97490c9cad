package dev.macaque.reports;

import dev.macaque.notify.Notification;
import dev.macaque.notify.WebhookDeliveries;
import dev.macaque.notify.WebhookNotifier;
import dev.macaque.notify.event.NotificationType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts the report of the week just ended to the webhooks ({@code notifications.weeklyReport: true}), once across all
 * nodes: on each poll a node claims {@code report.weekly:<week>} in the database, and only the node whose claim wins
 * posts it. A server that was down on Monday posts the week when it is back, within the following week.
 */
public final class WeeklyReportPoster {
    private static final Logger log = LoggerFactory.getLogger(WeeklyReportPoster.class);

    private final boolean enabled;
    private final WeeklyReports reports;
    private final WebhookNotifier notifier;
    private final WebhookDeliveries claims;
    private final String node;
    private IsoWeek handled;

    public WeeklyReportPoster(boolean enabled, WeeklyReports reports, WebhookNotifier notifier, WebhookDeliveries claims, String node) {
        this.enabled = enabled;
        this.reports = Objects.requireNonNull(reports, "reports is null");
        this.notifier = Objects.requireNonNull(notifier, "notifier is null");
        this.claims = Objects.requireNonNull(claims, "claims is null");
        this.node = Objects.requireNonNull(node, "node is null");
    }

    /** One poll: posts last week's report unless this node or another already did. Returns whether this call posted it. */
    public synchronized boolean tick() {
        if (!enabled) {
            return false;
        }
        Instant now = reports.now();
        IsoWeek last = IsoWeek.of(now).previous();
        if (last.equals(handled)) {
            return false;
        }
        if (!claims.claim("report.weekly:" + last, node, now)) {
            handled = last;
            return false;
        }
        handled = last;
        WeeklyReport report = reports.of(last);
        Map<String, String> data = new LinkedHashMap<>();
        data.put("week", report.week());
        data.put("runs", Integer.toString(report.runs().total()));
        data.put("realKills", Integer.toString(report.realKills()));
        data.put("findingsOpened", Integer.toString(report.findingsOpened().size()));
        data.put("findingsClosed", Integer.toString(report.findingsClosed().size()));
        data.put("fleetScoreAtEnd", report.fleetScoreAtEnd() == null ? "" : report.fleetScoreAtEnd().toString());
        data.put("neverVerified", Integer.toString(report.neverVerified().size()));
        data.put("report", "/api/v1/reports/weekly?week=" + report.week());
        String text = "Macaque week " + report.week() + ": " + report.runs().total() + " runs, " + report.realKills() + " real kills, "
                + report.findingsOpened().size() + " findings opened, " + report.findingsClosed().size() + " closed, fleet score "
                + (report.fleetScoreAtEnd() == null ? "–" : report.fleetScoreAtEnd()) + ", " + report.neverVerified().size()
                + " groups never verified";
        notifier.publish(new Notification(UUID.randomUUID().toString(), NotificationType.WEEKLY_REPORT, now, text, data));
        log.info("Posted the weekly report of {} to the webhooks", report.week());
        return true;
    }
}
