package dev.macaque.provider.gcp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.util.Base64;

/** Throw-away service-account key files whose token endpoint is a local stub. */
final class ServiceAccountKeys {
    private ServiceAccountKeys() {
    }

    static String pkcs8Pem() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
    }

    static String json(String privateKeyPem, String tokenUri) {
        return """
                {"type": "service_account", "project_id": "shop-prod", "private_key_id": "abc123",
                 "private_key": "%s", "client_email": "macaque@shop-prod.iam.gserviceaccount.com",
                 "client_id": "1234567890", "token_uri": "%s"}
                """.formatted(privateKeyPem.replace("\n", "\\n"), tokenUri);
    }

    /** Writes a key whose token endpoint is {@code endpoint + "/token"}; returns its path. */
    static String write(String endpoint) throws IOException, GeneralSecurityException {
        Path file = Files.createTempFile("macaque-sa-", ".json");
        file.toFile().deleteOnExit();
        Files.writeString(file, json(pkcs8Pem(), endpoint + "/token"));
        return file.toString();
    }
}
