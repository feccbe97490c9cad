package dev.macaque.auth;

import dev.macaque.store.Database;
import dev.macaque.store.Sql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Issues, checks and revokes API tokens. A token is {@code mq_} + 32 random bytes (base64url); the database keeps
 * only its SHA-256, so a leaked database does not leak usable tokens.
 */
public final class TokenStore {
    private static final SecureRandom RANDOM = new SecureRandom();
    public static final int MAX_NAME_LENGTH = 100;

    private final Database database;
    private final Clock clock;

    public TokenStore(Database database, Clock clock) {
        this.database = Objects.requireNonNull(database, "database is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    /** A new token and its secret, which is shown once and never stored. */
    public record IssuedToken(ApiToken token, String secret) {
    }

    /** An active token already has the name asked for. */
    public static final class NameTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String existingId;

        NameTaken(String name, String existingId) {
            super("an active token named '" + name + "' already exists (" + existingId + "); choose another name, or revoke "
                    + existingId + " first");
            this.existingId = existingId;
        }

        public String existingId() {
            return existingId;
        }
    }

    /**
     * Issues a token.
     *
     * @throws IllegalArgumentException when the name is not a valid token name
     * @throws NameTaken                when an active token has that name
     */
    public IssuedToken create(String name, Role role, String createdBy) {
        return create(name, role, Scope.ALL, createdBy);
    }

    /** A token limited to the groups of {@code scope} ({@link Scope#ALL}: unscoped). */
    public IssuedToken create(String name, Role role, Scope scope, String createdBy) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH || !name.matches("[A-Za-z0-9._@-]+")) {
            throw new IllegalArgumentException("token name must be 1-" + MAX_NAME_LENGTH
                    + " characters of letters, digits and . _ @ -; was '" + name + "'");
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String secret = "mq_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        ApiToken token = new ApiToken("tok_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16), name, role, scope,
                createdBy, clock.instant(), null);
        database.inTransaction(c -> {
            // Names are unique among active tokens. The kill switch's one row serialises token creation across nodes
            // (as for the bootstrap admin), so two creates of one name cannot both see it free.
            try (PreparedStatement lock = c.prepareStatement("SELECT engaged FROM kill_switch WHERE id = 1 FOR UPDATE");
                 PreparedStatement same = c.prepareStatement("SELECT id FROM api_tokens WHERE name = ? AND revoked_at IS NULL")) {
                lock.executeQuery().close();
                same.setString(1, name);
                try (ResultSet rs = same.executeQuery()) {
                    if (rs.next()) {
                        throw new NameTaken(name, rs.getString(1));
                    }
                }
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO api_tokens (id, name, role, token_hash, created_by, created_at, scope) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, token.id());
                insert.setString(2, name);
                insert.setString(3, role.name());
                insert.setString(4, hash(secret));
                insert.setString(5, createdBy);
                Sql.setInstant(insert, 6, token.createdAt());
                insert.setString(7, token.scope().unscoped() ? null : writeScope(token.scope()));
                return insert.executeUpdate();
            }
        });
        return new IssuedToken(token, secret);
    }

    /**
     * Creates the first admin token when no token exists yet, in one transaction so that two servers starting
     * together on one database cannot both create one.
     */
    public Optional<IssuedToken> bootstrapAdmin() {
        boolean empty = database.inTransaction(c -> {
            try (PreparedStatement lock = c.prepareStatement("SELECT engaged FROM kill_switch WHERE id = 1 FOR UPDATE");
                 PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM api_tokens")) {
                lock.executeQuery().close();
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) == 0;
                }
            }
        });
        return empty ? Optional.of(create("bootstrap-admin", Role.ADMIN, "system")) : Optional.empty();
    }

    /** The active token whose secret is {@code secret}, if any. */
    public Optional<ApiToken> authenticate(String secret) {
        if (secret == null || !secret.startsWith("mq_") || secret.length() > 100) {
            return Optional.empty();
        }
        String hash = hash(secret);
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL")) {
                select.setString(1, hash);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Whether the token {@code id} exists and was not revoked (a revoked token also ends its dashboard sessions). */
    public boolean isActive(String id) {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT 1 FROM api_tokens WHERE id = ? AND revoked_at IS NULL")) {
                select.setString(1, id);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    public List<ApiToken> list() {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT * FROM api_tokens ORDER BY created_at, id");
                 ResultSet rs = select.executeQuery()) {
                List<ApiToken> tokens = new ArrayList<>();
                while (rs.next()) {
                    tokens.add(read(rs));
                }
                return tokens;
            }
        });
    }

    /** Revokes a token; false when there is no active token with that id. */
    public boolean revoke(String id) {
        return database.inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
                Sql.setInstant(update, 1, clock.instant());
                update.setString(2, id);
                return update.executeUpdate() == 1;
            }
        });
    }

    private static ApiToken read(ResultSet rs) throws SQLException {
        return new ApiToken(rs.getString("id"), rs.getString("name"), Role.valueOf(rs.getString("role")), readScope(rs.getString("scope")),
                rs.getString("created_by"), Sql.instant(rs, "created_at"), Sql.instant(rs, "revoked_at"));
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper SCOPE_JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static String writeScope(Scope scope) {
        try {
            return SCOPE_JSON.writeValueAsString(scope.tags());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a scope is a map of strings", e);
        }
    }

    private static Scope readScope(String stored) {
        if (stored == null) {
            return Scope.ALL;
        }
        try {
            return new Scope(SCOPE_JSON.readValue(stored, new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, String>>() {
            }));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a stored token scope is not a JSON object of strings: " + stored, e);
        }
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JRE", e);
        }
    }
}
