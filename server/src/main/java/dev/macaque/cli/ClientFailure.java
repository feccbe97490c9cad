package dev.macaque.cli;

/** A client command cannot go on: the message for people, and the exit code it ends with. */
final class ClientFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    ClientFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
