package io.jamesdmarc.cli.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** GET requests to a running server, for tests and the benchmark. */
public final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: status, headers and body. */
    public record Answer(int status, HttpResponse<String> response) {
        public JsonNode json() {
            try {
                return JSON.readTree(response.body());
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (" + status + "): " + response.body(), e);
            }
        }

        public String body() {
            return response.body();
        }

        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + response.body();
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String token;

    public ApiClient(URI base) {
        this(base, null);
    }

    public ApiClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    public ApiClient withToken(String value) {
        return new ApiClient(base, value);
    }

    /** GET {@code path} (with its query), relative to the server's root. */
    public Answer get(String path) {
        return send("GET", path);
    }

    public Answer send(String method, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
            .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
