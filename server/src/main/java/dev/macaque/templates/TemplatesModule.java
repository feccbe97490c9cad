package dev.macaque.templates;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.macaque.experiments.TemplateNames;
import dev.macaque.http.RouteGroup;
import dev.macaque.store.Database;

/** Experiment templates: their store and routes. */
public final class TemplatesModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(TemplateRoutes.class).in(Singleton.class);
        Multibinder.newSetBinder(binder(), RouteGroup.class).addBinding().to(TemplateRoutes.class);
    }

    @Provides
    @Singleton
    TemplateStore store(Database database, ObjectMapper json) {
        return new TemplateStore(database, json);
    }

    @Provides
    @Singleton
    TemplateNames templateNames(TemplateStore store) {
        return () -> store.list().stream().map(StoredTemplate::name).toList();
    }
}
