package dev.macaque.templates;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** One version of a template: the spec as it was put, who put it, when. */
public record StoredTemplate(String name, int version, JsonNode spec, String createdBy, Instant createdAt) {
}
