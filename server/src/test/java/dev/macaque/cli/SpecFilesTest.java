package dev.macaque.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the client commands say about a spec file they cannot use, and about a server's refusal. */
class SpecFilesTest {
    @TempDir
    Path dir;

    private static String failure(Path file) {
        try {
            SpecFiles.read(file);
        } catch (ClientFailure e) {
            assertThat(e.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
            return e.getMessage();
        }
        throw new AssertionError("read " + file + " without complaint");
    }

    @Test
    void aMistypedFileNameIsNoSuchFileWithTheClosestNameInItsFolder() throws IOException {
        Files.writeString(dir.resolve("kill-api.yaml"), "name: x\n");
        Files.writeString(dir.resolve("README.md"), "");

        assertThat(failure(dir.resolve("kil-api.yaml"))).isEqualTo(dir.resolve("kil-api.yaml") + ": no such file; did you mean "
                + dir.resolve("kill-api.yaml") + "?");
        assertThat(failure(dir.resolve("something-else.json"))).isEqualTo(dir.resolve("something-else.json") + ": no such file");
    }

    @Test
    void aYamlSyntaxErrorIsReportedAtItsLineAndColumnInOurWords() throws IOException {
        // line 3, column 10: the second ':' on "selection" makes a mapping where a value was expected
        Path spec = dir.resolve("broken.yaml");
        Files.writeString(spec, "name: broken\ntargets: {groups: [api]}\nselection: mode: count\n");

        String message = failure(spec);

        assertThat(message).startsWith(spec + ":3:16: not valid JSON or YAML: mapping values are not allowed here")
                .doesNotContain("reader").doesNotContain("\n");
    }

    @Test
    void aDuplicateKeyIsRefusedNamingBothLines() throws IOException {
        Path spec = dir.resolve("twice.yaml");
        Files.writeString(spec, "name: twice\nselection: {mode: count, value: 1}\ntargets: {groups: [api]}\nselection: {mode: percent, value: 50}\n");

        assertThat(failure(spec)).isEqualTo(spec + ":4:1: duplicate key 'selection' (first at line 2); a key may appear once in a mapping");
    }

    @Test
    void aDuplicateKeyInANestedMappingIsRefusedToo() throws IOException {
        Path spec = dir.resolve("nested.yaml");
        Files.writeString(spec, "name: nested\nselection:\n  mode: count\n  value: 1\n  mode: percent\n");

        assertThat(failure(spec)).startsWith(spec + ":5:3: duplicate key 'mode' (first at line 3)");
    }

    @Test
    void aRefusalPrintsItsStatusAfterTheSentenceAndItsTableAligned() {
        String body = "{\"type\":\"https://macaque.dev/problems/nothing-to-run\",\"title\":\"Unprocessable\",\"status\":422,"
                + "\"detail\":\"no group is eligible\",\"excluded\":["
                + "{\"provider\":\"sim\",\"region\":\"us-east-1\",\"group\":\"db\",\"reason\":\"NOT_OPTED_IN\",\"detail\":\"not opted in\"},"
                + "{\"provider\":\"sim\",\"region\":\"eu-west-1\",\"group\":\"payments-api\",\"reason\":\"NOT_FOUND\",\"detail\":\"no such group\"}]}";

        ClientFailure failure = ApiClient.failure(422, body);

        assertThat(failure.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(failure.getMessage().lines().toList()).containsExactly(
                "no group is eligible (HTTP 422)",
                "  sim/us-east-1/db            NOT_OPTED_IN  not opted in",
                "  sim/eu-west-1/payments-api  NOT_FOUND     no such group");
    }

    @Test
    void aReadableSpecIsReadAsIs() throws IOException {
        Path spec = dir.resolve("ok.yaml");
        Files.writeString(spec, "name: ok\nselection: {mode: count, value: 1}\n");
        assertThat(SpecFiles.read(spec).get("name").asText()).isEqualTo("ok");
    }
}
