package dev.macaque.scorecard;

import dev.macaque.scorecard.Scorecard.GroupCard;
import java.util.List;

/** The scorecard's groups as CSV (RFC 4180), one line per group, in the JSON's order and with its numbers unchanged. */
final class ScorecardCsv {
    static final List<String> HEADER = List.of("group", "team", "status", "score", "lastVerifiedRun", "lastVerifiedAt",
            "lastTimeToRecoverSeconds", "medianTimeToRecoverSeconds30d", "p90TimeToRecoverSeconds30d", "medianTimeToRecoverSeconds90d",
            "p90TimeToRecoverSeconds90d", "realKills", "openFindingRun", "openFindingReason");

    private ScorecardCsv() {
    }

    static String of(Scorecard scorecard) {
        StringBuilder out = new StringBuilder();
        line(out, HEADER);
        for (GroupCard c : scorecard.groups()) {
            line(out, List.of(c.id(), text(c.team()), c.status().name(), Integer.toString(c.score()),
                    c.lastVerification() == null ? "" : c.lastVerification().runId(),
                    c.lastVerification() == null ? "" : c.lastVerification().recoveredAt().toString(),
                    c.lastVerification() == null ? "" : Double.toString(c.lastVerification().timeToRecoverSeconds()),
                    text(c.last30Days().medianSeconds()), text(c.last30Days().p90Seconds()),
                    text(c.last90Days().medianSeconds()), text(c.last90Days().p90Seconds()), Integer.toString(c.realKills()),
                    c.openFinding() == null ? "" : c.openFinding().runId(), c.openFinding() == null ? "" : c.openFinding().reason()));
        }
        return out.toString();
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    private static void line(StringBuilder out, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String f = fields.get(i);
            // a leading =, +, - or @ would be a formula in a spreadsheet: quoted and prefixed, never evaluated
            boolean formula = !f.isEmpty() && "=+-@".indexOf(f.charAt(0)) >= 0 && !f.matches("-?[0-9.]+");
            if (formula || f.contains(",") || f.contains("\"") || f.contains("\n") || f.contains("\r")) {
                out.append('"').append(formula ? "'" : "").append(f.replace("\"", "\"\"")).append('"');
            } else {
                out.append(f);
            }
        }
        out.append("\r\n");
    }
}
