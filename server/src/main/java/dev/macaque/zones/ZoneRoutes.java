package dev.macaque.zones;

import dev.macaque.auth.Access;
import dev.macaque.auth.Role;
import dev.macaque.engine.ExperimentSpec.Guardrails;
import dev.macaque.experiments.ExperimentRoutes;
import dev.macaque.experiments.RunPredictor;
import dev.macaque.http.ProblemException;
import dev.macaque.http.RouteGroup;
import dev.macaque.plugin.ConfiguredProvider;
import dev.macaque.plugin.ProviderInstances;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code GET /api/v1/zones?provider=&minHealthyPercent=&minHealthyInstances=}: per zone of one provider's fleet, the
 * groups and members it hosts, the opted-in groups a zone experiment would refuse (single-zone) or that would fall
 * below their minimum, and the predicted time to recover of the others. Reads the fleet and simulates; starts nothing.
 */
public final class ZoneRoutes implements RouteGroup {
    private final RunPredictor predictor;
    private final ProviderInstances providers;
    private final Access access;

    @Inject
    public ZoneRoutes(RunPredictor predictor, ProviderInstances providers, Access access) {
        this.predictor = Objects.requireNonNull(predictor, "predictor is null");
        this.providers = Objects.requireNonNull(providers, "providers is null");
        this.access = Objects.requireNonNull(access, "access is null");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.get("/api/v1/zones", access.require(Role.VIEWER, this::readiness));
    }

    private void readiness(Context ctx) {
        List<String> configured = providers.all().stream().map(ConfiguredProvider::id).sorted().toList();
        String provider = ctx.queryParam("provider");
        if (provider == null || provider.isBlank()) {
            if (configured.size() != 1) {
                throw invalid("provider", "zone readiness is per provider: name one with ?provider= (configured: "
                        + (configured.isEmpty() ? "none" : String.join(", ", configured)) + ")");
            }
            provider = configured.get(0);
        } else if (!configured.contains(provider)) {
            throw invalid("provider", "no provider '" + provider + "' is configured (configured: "
                    + (configured.isEmpty() ? "none" : String.join(", ", configured)) + ")");
        }
        Guardrails defaults = Guardrails.DEFAULTS;
        int percent = intParam(ctx, "minHealthyPercent", defaults.minHealthyPercent(), 0, 100);
        int instances = intParam(ctx, "minHealthyInstances", defaults.minHealthyInstances(), 0, Integer.MAX_VALUE);
        try {
            ctx.json(ZoneReadinessView.of(predictor.zoneReadiness(provider,
                    new Guardrails(percent, instances, defaults.maxTerminations(), Duration.ZERO))));
        } catch (RunPredictor.NotPredictable e) {
            throw ExperimentRoutes.notPredictable(e);
        } catch (RunPredictor.Busy e) {
            throw ExperimentRoutes.predictionsBusy(ctx, e);
        }
    }

    private static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String text = ctx.queryParam(name);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value < min || value > max) {
                throw invalid(name, name + " must be in [" + min + ", " + max + "], was " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw invalid(name, name + " must be a whole number, was '" + text + "'");
        }
    }

    private static ProblemException invalid(String field, String message) {
        return ProblemException.invalid(message, field, message);
    }
}
