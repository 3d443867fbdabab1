package io.jamesdmarc.cli.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * The dashboard's files (plain HTML, CSS and JavaScript, bundled in the jar: nothing is fetched from
 * elsewhere, so it works offline) and {@code /config.json}, which tells the page whether it shows
 * demo data and whether the API wants a token.
 */
final class DashboardAssets implements HttpHandler {

    private static final String FOLDER = "io/jamesdmarc/cli/web/dashboard/";
    private static final Map<String, String> FILES = Map.of(
        "/", "index.html",
        "/index.html", "index.html",
        "/assets/app.css", "app.css",
        "/assets/app.js", "app.js",
        "/assets/chart.js", "chart.js",
        "/favicon.svg", "favicon.svg");
    private static final Map<String, String> TYPES = Map.of(
        "html", "text/html; charset=utf-8",
        "css", "text/css; charset=utf-8",
        "js", "text/javascript; charset=utf-8",
        "svg", "image/svg+xml");
    /** The page runs only its own script and styles, talks only to this server, and cannot be framed. */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final Map<String, byte[]> contents = new HashMap<>();
    private final byte[] config;

    DashboardAssets(ApiViews.ConfigResponse config) {
        for (String file : FILES.values()) {
            contents.computeIfAbsent(file, DashboardAssets::read);
        }
        try {
            this.config = Responses.JSON.writeValueAsBytes(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            text(exchange, 405, "only GET and HEAD here");
            return;
        }
        if (path.equals("/config.json")) {
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            Responses.send(exchange, 200, config);
            return;
        }
        String file = FILES.get(path);
        if (file == null) {
            text(exchange, 404, "not found: " + path + " (the dashboard is at /, the API under " + ApiEndpoints.BASE + ")");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", TYPES.get(file.substring(file.lastIndexOf('.') + 1)));
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.getResponseHeaders().set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
        Responses.send(exchange, 200, contents.get(file));
    }

    private static void text(HttpExchange exchange, int status, String message) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        Responses.send(exchange, status, message.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] read(String file) {
        try (InputStream in = DashboardAssets.class.getClassLoader().getResourceAsStream(FOLDER + file)) {
            if (in == null) {
                throw new IllegalStateException(FOLDER + file + " is missing from the class path (the cli jar is incomplete)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
