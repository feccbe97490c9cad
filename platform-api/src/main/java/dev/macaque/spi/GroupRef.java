package dev.macaque.spi;

import java.util.Objects;

/**
 * Identifies a VM group across all providers.
 *
 * @param provider the provider instance id (not the type), e.g. {@code aws-prod}
 * @param region   the cloud region, e.g. {@code us-east-1}; for zonal GCP groups, the zone
 * @param name     the group's name, unique within provider and region
 */
public record GroupRef(String provider, String region, String name) {

    public GroupRef {
        requireText(provider, "provider");
        requireText(region, "region");
        requireText(name, "name");
    }

    /** {@code provider/region/name}, the form used in logs, events and URLs. */
    @Override
    public String toString() {
        return provider + "/" + region + "/" + name;
    }

    static String requireText(String value, String field) {
        Objects.requireNonNull(value, field + " is null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " is blank");
        }
        return value;
    }
}
