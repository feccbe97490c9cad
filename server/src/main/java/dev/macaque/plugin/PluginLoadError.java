package dev.macaque.plugin;

/**
 * A plugin that was skipped, and why.
 *
 * @param plugin the plugin's path (directory or jar)
 * @param error  what was wrong, with a hint where one helps
 */
public record PluginLoadError(String plugin, String error) {
}
