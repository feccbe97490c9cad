package dev.macaque.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.spi.SpiVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What README.md and docs/ state about the SPI version and the exit codes is what the code has. */
class DocumentedFactsTest {
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    /** README.md and every Markdown file under docs/, as (file, text). */
    private static List<String[]> documents() throws IOException {
        List<String[]> docs = new ArrayList<>();
        docs.add(new String[] {"README.md", Files.readString(REPOSITORY.resolve("README.md"))});
        try (Stream<Path> files = Files.walk(REPOSITORY.resolve("docs"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".md")).sorted().toList()) {
                docs.add(new String[] {REPOSITORY.relativize(file).toString(), Files.readString(file)});
            }
        }
        return docs;
    }

    /** Every number {@code pattern}'s first group finds in the documents, as "file: number". */
    private static List<String> stated(Pattern pattern) throws IOException {
        List<String> found = new ArrayList<>();
        for (String[] doc : documents()) {
            Matcher matcher = pattern.matcher(doc[1].replaceAll("\\s+", " "));
            while (matcher.find()) {
                found.add(doc[0] + ": " + matcher.group(1));
            }
        }
        return found;
    }

    private static List<String> numbers(List<String> stated) {
        return stated.stream().map(s -> s.substring(s.lastIndexOf(' ') + 1)).distinct().toList();
    }

    @Test
    void theServersSpiVersionIsTheCodes() throws IOException {
        List<String> versions = stated(Pattern.compile("server's SPI is (\\d+\\.\\d+)"));
        assertThat(versions).isNotEmpty();
        assertThat(numbers(versions)).as(versions.toString()).containsExactly(SpiVersion.CURRENT);
    }

    @Test
    void theOutOfMemoryExitCodeIsTheCodes() throws IOException {
        List<String> codes = stated(Pattern.compile("(\\d)(?: when (?:the heap is too small|out of memory)|: out of memory)"));
        codes.addAll(stated(Pattern.compile("exits with code (\\d), leaving no half-written")));
        assertThat(codes).hasSizeGreaterThanOrEqualTo(3);
        assertThat(numbers(codes)).as(codes.toString()).containsExactly(Integer.toString(ExitCodes.OUT_OF_MEMORY));
    }

    @Test
    void theRunExitCodesByVerdictAreTheCodes() throws IOException {
        assertThat(numbers(stated(Pattern.compile("(\\d) PASSED")))).containsExactly(Integer.toString(ExitCodes.of("PASSED")));
        assertThat(numbers(stated(Pattern.compile("(\\d) FINDING, FAILED or ABORTED")))).containsExactly(Integer.toString(ExitCodes.of("FINDING")));
        assertThat(numbers(stated(Pattern.compile("(\\d) NOTHING_KILLED")))).containsExactly(Integer.toString(ExitCodes.NOTHING_KILLED));
        assertThat(numbers(stated(Pattern.compile("(\\d) PARTIAL")))).containsExactly(Integer.toString(ExitCodes.PARTIAL));
        assertThat(ExitCodes.of("FAILED")).isEqualTo(ExitCodes.of("ABORTED")).isEqualTo(ExitCodes.FAILED);
    }
}
