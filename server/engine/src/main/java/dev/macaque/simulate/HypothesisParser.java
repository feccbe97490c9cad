package dev.macaque.simulate;

import dev.macaque.text.Suggestions;
import dev.macaque.simulated.scenario.GroupSpec;
import dev.macaque.simulated.scenario.Hypothesis;
import dev.macaque.simulated.scenario.Scenario;
import dev.macaque.simulated.scenario.ScenarioError;
import dev.macaque.simulated.scenario.ServiceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code FUNCTION(ARG) OP NUMBER} hypotheses and checks every name against the scenario, so that a typo is an
 * input error ({@code file:line:hypotheses[i]}) rather than a hypothesis that fails after a long run.
 */
public final class HypothesisParser {
    private static final Pattern SHAPE = Pattern.compile(
            "\\s*([A-Za-z][A-Za-z0-9]*)\\s*\\(\\s*([^()]*?)\\s*\\)\\s*(>=|<=|==|>|<)\\s*([-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?)\\s*");
    private static final String FORM = "FUNCTION(ARG) OP NUMBER with OP one of >= <= > < ==, e.g. availability(api) >= 99.9";

    /** The hypotheses of {@code scenario}; problems are added to {@code errors}. */
    public List<HypothesisExpression> parse(Scenario scenario, List<ScenarioError> errors) {
        List<String> services = scenario.services().stream().map(ServiceSpec::name).toList();
        List<String> groups = scenario.groups().stream().map(GroupSpec::name).toList();
        List<HypothesisExpression> parsed = new ArrayList<>();
        for (int i = 0; i < scenario.hypotheses().size(); i++) {
            Hypothesis hypothesis = scenario.hypotheses().get(i);
            String key = "hypotheses[" + i + "]";
            String problem = null;
            HypothesisExpression expression = null;
            Matcher m = SHAPE.matcher(hypothesis.text());
            if (!m.matches()) {
                problem = "'" + hypothesis.text() + "' is not " + FORM;
            } else {
                HypothesisFunction function = HypothesisFunction.byWireName(m.group(1));
                String argument = m.group(2);
                if (function == null) {
                    problem = "unknown function '" + m.group(1) + "'"
                            + Suggestions.closest(m.group(1), HypothesisFunction.wireNames()).map(s -> " (did you mean '" + s + "'?)").orElse("")
                            + "; functions: " + String.join(", ", HypothesisFunction.wireNames());
                } else {
                    problem = checkArgument(function, argument, services, groups);
                }
                if (problem == null) {
                    double bound = Double.parseDouble(m.group(4));
                    expression = new HypothesisExpression(hypothesis.text().strip(), hypothesis.line(), function, argument,
                            Comparison.bySymbol(m.group(3)), bound);
                }
            }
            if (problem != null) {
                errors.add(new ScenarioError(scenario.source(), hypothesis.line(), key, problem));
            } else {
                parsed.add(expression);
            }
        }
        return parsed;
    }

    private static String checkArgument(HypothesisFunction function, String argument, List<String> services, List<String> groups) {
        String call = function.wireName() + "(" + argument + ")";
        return switch (function.argument()) {
            case NONE -> argument.isEmpty() ? null : call + ": " + function.wireName() + "() takes no argument";
            case RECOVERY_SECONDS -> "recoverySeconds".equals(argument) ? null
                    : call + ": " + function.wireName() + " is taken over recovery times; write " + function.wireName() + "(recoverySeconds)";
            case SERVICE -> services.contains(argument) ? null : call + ": no service '" + argument + "' in the scenario"
                    + Suggestions.closest(argument, services).map(s -> " (did you mean '" + s + "'?)").orElse("")
                    + "; services: " + (services.isEmpty() ? "none" : String.join(", ", services));
            case GROUP -> groups.contains(argument) ? null : call + ": no group '" + argument + "' in the scenario"
                    + Suggestions.closest(argument, groups).map(s -> " (did you mean '" + s + "'?)").orElse("")
                    + "; groups: " + (groups.isEmpty() ? "none" : String.join(", ", groups));
        };
    }
}
