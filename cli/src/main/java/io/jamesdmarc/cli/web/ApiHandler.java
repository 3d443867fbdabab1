package io.jamesdmarc.cli.web;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import io.jamesdmarc.cli.web.ApiViews.ErrorResponse;

/**
 * Routes {@code /api/...} requests to their endpoint, checks the bearer token when one is required,
 * and turns every outcome into JSON: the answer, or an error with its status and message.
 */
final class ApiHandler implements HttpHandler {

    private static final Logger LOGGER = LoggerFactory.getLogger(ApiHandler.class);

    private final ApiEndpoints endpoints;
    private final Optional<byte[]> token;

    ApiHandler(ApiEndpoints endpoints, Optional<String> token) {
        this.endpoints = endpoints;
        this.token = token.map(value -> value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        int status;
        try {
            Object answer = answer(exchange);
            status = 200;
            Responses.json(exchange, status, answer);
        } catch (ApiException e) {
            status = e.status();
            if (status == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"dmarc\"");
            }
            Responses.json(exchange, status, new ErrorResponse(status, e.code(), e.parameter().orElse(null), e.getMessage()));
        } catch (SQLException e) {
            status = 503;
            LOGGER.warn("{} failed: the database failed: {}", exchange.getRequestURI(), e.getMessage());
            Responses.json(exchange, status, new ErrorResponse(status, "database_unavailable", null,
                "the DMARC database did not answer (" + e.getMessage() + "); try again shortly"));
        } catch (RuntimeException e) {
            status = 500;
            LOGGER.error("{} failed", exchange.getRequestURI(), e);
            Responses.json(exchange, status, new ErrorResponse(status, "internal_error", null,
                "the server failed to answer: " + e + " (its log has the details)"));
        }
        LOGGER.debug("{} {} {} in {} ms", exchange.getRequestMethod(), exchange.getRequestURI(), status, (System.nanoTime() - start) / 1_000_000);
    }

    private Object answer(HttpExchange exchange) throws ApiException, SQLException {
        authorize(exchange);
        URI uri = exchange.getRequestURI();
        String[] segments = segments(uri);
        // /api/exchange/dmarc-reports[/...]: segments[0..2] are "api", "exchange", "dmarc-reports"
        if (segments.length < 3 || !segments[0].equals("api") || !segments[1].equals("exchange") || !segments[2].equals("dmarc-reports")
            || segments.length > 5) {
            throw noSuchEndpoint(uri);
        }
        if (!exchange.getRequestMethod().equals("GET")) {
            throw ApiException.methodNotAllowed(exchange.getRequestMethod());
        }
        endpoints.catchUp();
        if (segments.length == 3) {
            return endpoints.reports(uri);
        }
        if (segments.length == 4 && segments[3].equals("domains")) {
            return endpoints.domains(uri);
        }
        if (segments.length == 5) {
            return switch (segments[4]) {
                case "summary" -> endpoints.summary(segments[3], uri);
                case "sources" -> endpoints.sources(segments[3], uri);
                case "failures" -> endpoints.failures(segments[3], uri);
                default -> throw noSuchEndpoint(uri);
            };
        }
        throw noSuchEndpoint(uri);
    }

    private void authorize(HttpExchange exchange) throws ApiException {
        if (token.isEmpty()) {
            return;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.unauthorized("this server requires a token: send it as 'Authorization: Bearer <token>'");
        }
        byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        // constant time: how much of a guess was right must not show in the answer's timing
        if (!MessageDigest.isEqual(given, token.get())) {
            throw ApiException.unauthorized("the token is not the one this server was started with");
        }
    }

    private static String[] segments(URI uri) throws ApiException {
        String path = uri.getRawPath();
        String trimmed = path.replaceAll("^/+|/+$", "");
        String[] raw = trimmed.isEmpty() ? new String[0] : trimmed.split("/+");
        String[] decoded = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            try {
                // a path segment: '+' is a plus there, not a space
                decoded[i] = URLDecoder.decode(raw[i].replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ApiException.badParameter("path", "the path is not properly percent-encoded: " + path);
            }
        }
        return decoded;
    }

    private static ApiException noSuchEndpoint(URI uri) {
        return ApiException.notFound("no_such_endpoint", "no endpoint at " + uri.getRawPath() + "; the API has GET " + ApiEndpoints.BASE
            + ", " + ApiEndpoints.BASE + "/domains and " + ApiEndpoints.BASE + "/{domain}/summary, /sources and /failures");
    }
}
