package dev.macaque.audit.api;

import dev.macaque.audit.RefusalAudit;
import dev.macaque.audit.AuditLog;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.macaque.http.RouteGroup;
import dev.macaque.store.Database;
import java.time.Clock;

/** The audit trail and {@code GET /api/v1/audit}. */
public final class AuditModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(AuditRoutes.class).in(Singleton.class);
        Multibinder.newSetBinder(binder(), RouteGroup.class).addBinding().to(AuditRoutes.class);
    }

    @Provides
    @Singleton
    RefusalAudit refusalAudit(AuditLog audit, Clock clock) {
        return new RefusalAudit(audit, clock);
    }

    @Provides
    @Singleton
    AuditLog auditLog(Database database, Clock clock) {
        return new AuditLog(database, clock);
    }
}
