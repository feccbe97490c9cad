package dev.macaque.dashboard;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The dashboard's static files, served by the server itself so that it works with no internet: the pinned webjars
 * (htmx, its SSE extension, uPlot, Swagger UI) and the dashboard's own CSS, JavaScript and icon. Only the files listed
 * here are served. Every URL carries a version (the webjar's, or a hash of the file), so browsers may keep them for
 * a year without asking again.
 */
public final class Assets {
    static final String CACHE_FOREVER = "public, max-age=31536000, immutable";

    /** Where a page finds each file. */
    public record Urls(String css, String js, String htmx, String htmxSse, String uplotJs, String uplotCss, String swaggerJs,
            String swaggerCss, String docsJs, String favicon) {
    }

    private record Asset(String resource, String contentType, byte[] bytes, String etag) {
    }

    private final Map<String, Asset> byUrl = new LinkedHashMap<>();
    private final Urls urls;

    public Assets() {
        String htmx = webjar("org.webjars.npm", "htmx.org", "htmx.org", "dist/htmx.min.js");
        String sse = webjar("org.webjars.npm", "htmx-ext-sse", "htmx-ext-sse", "sse.js");
        String uplotJs = webjar("org.webjars.npm", "uplot", "uplot", "dist/uPlot.iife.min.js");
        String uplotCss = webjar("org.webjars.npm", "uplot", "uplot", "dist/uPlot.min.css");
        String swaggerJs = webjar("org.webjars", "swagger-ui", "swagger-ui", "swagger-ui-bundle.js");
        String swaggerCss = webjar("org.webjars", "swagger-ui", "swagger-ui", "swagger-ui.css");
        this.urls = new Urls(own("dashboard.css"), own("dashboard.js"), htmx, sse, uplotJs, uplotCss, swaggerJs, swaggerCss, own("docs.js"),
                own("favicon.svg"));
    }

    public Urls urls() {
        return urls;
    }

    public void addTo(RoutesConfig routes) {
        byUrl.forEach((url, asset) -> routes.get(url, ctx -> serve(ctx, asset)));
        // what a browser asks for on a page that names no icon (an API answer, a report)
        routes.get("/favicon.ico", ctx -> ctx.redirect(urls.favicon(), io.javalin.http.HttpStatus.MOVED_PERMANENTLY));
    }

    private static void serve(Context ctx, Asset asset) {
        ctx.header("Cache-Control", CACHE_FOREVER);
        ctx.header("ETag", asset.etag());
        ctx.header("X-Content-Type-Options", "nosniff");
        if (asset.etag().equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.contentType(asset.contentType()).result(asset.bytes());
    }

    /** A file of a webjar, at {@code /assets/lib/NAME/VERSION/PATH}, the version read from the webjar itself. */
    private String webjar(String groupId, String artifactId, String name, String path) {
        String version = webjarVersion(groupId, artifactId);
        String resource = "/META-INF/resources/webjars/" + name + "/" + version + "/" + path;
        return add("/assets/lib/" + name + "/" + version + "/" + path, resource, null);
    }

    /** One of the dashboard's own files, at {@code /assets/app/HASH/NAME}. */
    private String own(String name) {
        return add(null, "/dev/macaque/dashboard/assets/" + name, name);
    }

    private String add(String url, String resource, String ownName) {
        byte[] bytes = read(resource);
        String hash = sha256(bytes).substring(0, 16);
        String at = url != null ? url : "/assets/app/" + hash + "/" + ownName;
        byUrl.put(at, new Asset(resource, contentType(resource), bytes, "\"" + hash + "\""));
        return at;
    }

    static String webjarVersion(String groupId, String artifactId) {
        String resource = "/META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
        try (InputStream in = Assets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the webjar " + groupId + ":" + artifactId + " is missing from the class path");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(String resource) {
        try (InputStream in = Assets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String contentType(String resource) {
        if (resource.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (resource.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (resource.endsWith(".svg")) {
            return "image/svg+xml";
        }
        throw new IllegalArgumentException("no content type for " + resource);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
