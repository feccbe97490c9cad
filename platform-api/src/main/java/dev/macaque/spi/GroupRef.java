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

    /** {@code provider/region/name}, the form used in logs, events and URLs; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return provider + "/" + region + "/" + name;
    }

    /**
     * Reads the {@link #toString} form. Provider ids and regions never contain {@code /}; a name may (an Azure
     * {@code resourceGroup/scaleSet}), so everything after the second {@code /} is the name.
     *
     * @throws IllegalArgumentException when {@code text} is not {@code provider/region/name}
     * @since SPI 1.1
     */
    public static GroupRef parse(String text) {
        Objects.requireNonNull(text, "group reference is null");
        int first = text.indexOf('/');
        int second = first < 0 ? -1 : text.indexOf('/', first + 1);
        if (first <= 0 || second <= first + 1 || second == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not a group reference; expected provider/region/name");
        }
        return new GroupRef(text.substring(0, first), text.substring(first + 1, second), text.substring(second + 1));
    }

    static String requireText(String value, String field) {
        Objects.requireNonNull(value, field + " is null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " is blank");
        }
        return value;
    }
}
