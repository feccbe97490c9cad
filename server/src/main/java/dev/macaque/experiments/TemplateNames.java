package dev.macaque.experiments;

import java.util.List;

/**
 * The names of the experiment templates that exist now. The templates feature provides it (it depends on this
 * package, not the other way round), so that the history's {@code template} filter can tell a template without runs
 * yet from a name that never was one.
 */
@FunctionalInterface
public interface TemplateNames {
    /** Current template names, in name order; bounded by the template store's own listing limit. */
    List<String> current();
}
