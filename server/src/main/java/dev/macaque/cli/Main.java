package dev.macaque.cli;

import picocli.CommandLine;

/** Entry point of {@code bin/macaque}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(MacaqueCommand.commandLine().execute(args));
    }
}
