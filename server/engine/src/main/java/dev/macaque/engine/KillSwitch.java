package dev.macaque.engine;

/** The global stop: while engaged, every termination is refused. The server backs it with its store. */
@FunctionalInterface
public interface KillSwitch {
    KillSwitch NEVER_ENGAGED = () -> false;

    boolean engaged();
}
