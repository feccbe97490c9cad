package dev.macaque.provider.gcp;

/**
 * A managed instance group's location in Compute.
 *
 * @param project  the project id
 * @param location the region (regional MIG) or zone (zonal MIG)
 * @param name     the MIG's name
 */
record MigRef(String project, String location, String name) {

    boolean regional() {
        return !GcpConfig.ZONE.matcher(location).matches();
    }

    /** The group name Macaque shows: plain when the provider covers one project, else {@code project/name}. */
    String groupName(boolean multiProject) {
        return multiProject ? project + "/" + name : name;
    }

    @Override
    public String toString() {
        return project + "/" + location + "/" + name;
    }
}
