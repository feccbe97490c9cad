package dev.macaque.http;

import dev.macaque.config.MacaqueConfig;

/** The database a {@link TestServer} runs on, to restart a server on the same data. */
final class TestServerDatabase {
    private TestServerDatabase() {
    }

    static MacaqueConfig.DatabaseConfig of(TestServer server) {
        return server.server.injector().getInstance(MacaqueConfig.class).database();
    }
}
