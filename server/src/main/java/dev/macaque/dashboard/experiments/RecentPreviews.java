package dev.macaque.dashboard.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.experiments.PreviewShown;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The last preview each New-experiment form (its request id) showed, and of which spec, so that a Start of exactly
 * that spec keeps the previewed victims with the run. Only the forms previewed most recently are kept, and a preview
 * is only ever found again by the token that asked for it.
 */
final class RecentPreviews {
    static final int FORMS_KEPT = 256;

    private record Shown(String tokenId, JsonNode spec, PreviewShown preview) {
    }

    private final Map<String, Shown> byForm = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Shown> eldest) {
            return size() > FORMS_KEPT;
        }
    };

    /** @param spec the previewed spec, seed included, read back ({@link SpecTemplates#readBack}) */
    synchronized void remember(String requestId, String tokenId, JsonNode spec, PreviewShown preview) {
        byForm.put(requestId, new Shown(tokenId, spec, preview));
    }

    /** The preview this form showed of exactly {@code spec}; empty when it previewed another spec, or nothing. */
    synchronized Optional<PreviewShown> of(String requestId, String tokenId, JsonNode spec) {
        Shown shown = byForm.get(requestId);
        return shown != null && shown.tokenId().equals(tokenId) && shown.spec().equals(spec) ? Optional.of(shown.preview())
                : Optional.empty();
    }
}
