package dev.macaque.simulate;

import dev.macaque.simulate.SimulationReport.GroupReport;
import dev.macaque.simulate.SimulationReport.ServiceReport;
import java.util.List;

/** Measures each hypothesis's function over a finished simulation and compares it with its bound. */
final class HypothesisEvaluator {
    private final List<ServiceReport> services;
    private final List<GroupReport> groups;
    private final List<KillRecord> kills;

    HypothesisEvaluator(List<ServiceReport> services, List<GroupReport> groups, List<KillRecord> kills) {
        this.services = services;
        this.groups = groups;
        this.kills = kills;
    }

    List<HypothesisResult> evaluate(List<HypothesisExpression> expressions) {
        return expressions.stream().map(this::evaluate).toList();
    }

    HypothesisResult evaluate(HypothesisExpression expression) {
        double value = measure(expression.function(), expression.argument());
        boolean passed = !Double.isNaN(value) && expression.comparison().holds(value, expression.bound());
        return new HypothesisResult(expression, value, passed);
    }

    double measure(HypothesisFunction function, String argument) {
        RecoveryStats all = RecoveryStats.of(kills.stream().map(KillRecord::recoverySeconds).toList());
        return switch (function) {
            case AVAILABILITY -> service(argument).availability();
            case KILLS -> group(argument).kills();
            case KILLS_TOTAL -> kills.size();
            case REFUSALS -> group(argument).refusals();
            case RECOVERY_SECONDS -> group(argument).recovery().max();
            case P50 -> all.p50();
            case P95 -> all.p95();
            case MAX -> all.max();
            case NOT_RECOVERED -> groups.stream().mapToInt(GroupReport::engineNotRecovered).sum();
        };
    }

    private ServiceReport service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + name + " (the parser checks names)"));
    }

    private GroupReport group(String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no group " + name + " (the parser checks names)"));
    }
}
