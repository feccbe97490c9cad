package dev.macaque.simulated.scenario;

/**
 * One problem in a scenario file.
 *
 * @param file    the file (or resource) name
 * @param line    1-based line, 0 when unknown
 * @param key     path of the offending key, e.g. {@code groups[0].bootTime.min}; empty for the whole document
 * @param message what is wrong, with the offending value
 */
public record ScenarioError(String file, int line, String key, String message) {

    /** {@code file:line:key: message}. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + key + ": " + message;
    }
}
