package io.jamesdmarc.cli.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.storage.ingest.ReceivedMessage;
import io.jamesdmarc.storage.ingest.ReportStore;
import io.jamesdmarc.storage.testing.ReportFixtures;
import io.jamesdmarc.storage.testing.TestDatabase;
import io.jamesdmarc.storage.testing.TestReportSource;

/**
 * How the API answers what it cannot answer: unknown domains and endpoints, malformed parameters
 * (each 400 naming the parameter), other methods; and the bearer token when one is required.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiErrorsTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final String TOKEN = "s3cret-token-for-tests";
    private static final Instant TODAY = Instant.parse("2026-05-20T10:00:00Z");

    private DashboardServer open;
    private DashboardServer guarded;
    private ApiClient api;
    private ApiClient guardedApi;

    @BeforeAll
    void start() throws Exception {
        ReportStore store = DB.database().reportStore();
        Instant day = Instant.parse("2026-05-18T00:00:00Z");
        store.storeAggregate(store.recordMessage(ReceivedMessage.mail("errors-1", TODAY).build()), TestReportSource.of(
            ReportFixtures.header("google.com", "noreply-dmarc-support@google.com", "e-1", "example.com", day, day.plusSeconds(86_399)),
            List.of(ReportFixtures.record("192.0.2.1", 12, Disposition.NONE, PolicyResult.PASS, PolicyResult.PASS, "example.com"),
                ReportFixtures.record("192.0.2.66", 3, Disposition.QUARANTINE, PolicyResult.FAIL, PolicyResult.FAIL, "example.com"))));
        Clock clock = Clock.fixed(TODAY, ZoneOffset.UTC);
        open = DashboardServer.start(settings(Optional.empty()), DB.database(), ReverseNames.OFF, clock);
        guarded = DashboardServer.start(settings(Optional.of(TOKEN)), DB.database(), ReverseNames.OFF, clock);
        api = new ApiClient(open.url());
        guardedApi = new ApiClient(guarded.url());
    }

    @AfterAll
    void stop() {
        open.close();
        guarded.close();
    }

    private static DashboardServer.Settings settings(Optional<String> token) {
        return new DashboardServer.Settings(new InetSocketAddress("127.0.0.1", 0), token, 2, false);
    }

    @Test
    void anUnknownDomainIsNotFound() {
        ApiClient.Answer answer = api.get("/api/exchange/dmarc-reports/nobody.example/summary");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        JsonNode error = answer.json();
        assertThat(error.get("status").asInt()).isEqualTo(404);
        assertThat(error.get("error").asText()).isEqualTo("unknown_domain");
        assertThat(error.get("message").asText()).contains("nobody.example");
        for (String endpoint : List.of("sources", "failures")) {
            assertThat(api.get("/api/exchange/dmarc-reports/nobody.example/" + endpoint).status()).isEqualTo(404);
        }
    }

    @Test
    void theDomainOfThePathIsFoundWhateverItsCaseOrTrailingDot() {
        ApiClient.Answer answer = api.get("/api/exchange/dmarc-reports/EXAMPLE.com./summary");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("domain").asText()).isEqualTo("example.com");
        assertThat(answer.json().get("messages").asLong()).isEqualTo(15);
        assertThat(answer.json().get("period").get("to").asText()).as("the default period ends today").isEqualTo("2026-05-20");
        assertThat(answer.json().get("period").get("days").asInt()).isEqualTo(30);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/api/exchange/dmarc-reports/example.com/summary?from=2026-13-01 | from | YYYY-MM-DD",
        "/api/exchange/dmarc-reports/example.com/summary?to=yesterday | to | YYYY-MM-DD",
        "/api/exchange/dmarc-reports/example.com/summary?from=2026-05-10&to=2026-05-01 | from | must not be after to",
        "/api/exchange/dmarc-reports/example.com/summary?days=0 | days | between 1 and",
        "/api/exchange/dmarc-reports/example.com/summary?days=ten | days | whole number",
        "/api/exchange/dmarc-reports/example.com/summary?days=7&from=2026-05-01 | days | either from or days",
        "/api/exchange/dmarc-reports/example.com/summary?form=2026-05-01 | form | unknown parameter 'form'",
        "/api/exchange/dmarc-reports/example.com/summary?days=7&days=8 | days | given twice",
        "/api/exchange/dmarc-reports/example.com/sources?limit=0 | limit | between 1 and 500",
        "/api/exchange/dmarc-reports/example.com/sources?limit=501 | limit | between 1 and 500",
        "/api/exchange/dmarc-reports/example.com/sources?limit=abc | limit | whole number",
        "/api/exchange/dmarc-reports/example.com/sources?offset=-1 | offset | 0 or more",
        "/api/exchange/dmarc-reports/example.com/sources?sort=name | sort | 'messages' or 'failures'",
        "/api/exchange/dmarc-reports/example.com/failures?offset=x | offset | whole number",
        "/api/exchange/dmarc-reports?domain=not%20a%20domain | domain | not a domain name",
        "/api/exchange/dmarc-reports?limit=1000 | limit | between 1 and 500",
        "/api/exchange/dmarc-reports?from=2026-05-02&to=2026-05-01 | from | must not be after to",
        "/api/exchange/dmarc-reports/exa_mple..com/summary | domain | not a domain name",
        "/api/exchange/dmarc-reports/-bad-.example/summary | domain | not a domain name"})
    void aBadParameterIsABadRequestNamingIt(String path, String parameter, String says) {
        ApiClient.Answer answer = api.get(path);

        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        JsonNode error = answer.json();
        assertThat(error.get("error").asText()).isEqualTo("bad_parameter");
        assertThat(error.get("parameter").asText()).isEqualTo(parameter);
        assertThat(error.get("message").asText()).contains(says);
    }

    @Test
    void anUnknownEndpointIsNotFoundAndOnlyGetIsAnswered() {
        ApiClient.Answer unknown = api.get("/api/exchange/dmarc-reports/example.com/everything");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("error").asText()).isEqualTo("no_such_endpoint");
        assertThat(api.get("/api/other").status()).isEqualTo(404);

        ApiClient.Answer post = api.send("POST", "/api/exchange/dmarc-reports");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.json().get("error").asText()).isEqualTo("method_not_allowed");
        assertThat(api.send("DELETE", "/").status()).isEqualTo(405);
        assertThat(api.get("/nothing-here.html").status()).isEqualTo(404);
    }

    @Test
    void withATokenTheApiAnswersOnlyRequestsCarryingIt() {
        ApiClient.Answer none = guardedApi.get("/api/exchange/dmarc-reports/domains");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(none.json().get("error").asText()).isEqualTo("unauthorized");
        assertThat(none.json().get("message").asText()).contains("Authorization: Bearer");

        ApiClient.Answer wrong = guardedApi.withToken(TOKEN + "x").get("/api/exchange/dmarc-reports/example.com/summary");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain(TOKEN);

        assertThat(guardedApi.get("/api/exchange/dmarc-reports/nobody.example/summary").status())
            .as("no token: nothing is told, not even whether a domain exists").isEqualTo(401);
        ApiClient.Answer right = guardedApi.withToken(TOKEN).get("/api/exchange/dmarc-reports/example.com/summary");
        assertThat(right.status()).isEqualTo(200);
        assertThat(right.json().get("reports").asLong()).isEqualTo(1);
        assertThat(api.get("/api/exchange/dmarc-reports/domains").status()).as("the server without a token").isEqualTo(200);
    }

    @Test
    void thePageItselfNeedsNoTokenAndSaysTheApiDoes() {
        ApiClient.Answer page = guardedApi.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'none'", "connect-src 'self'");
        assertThat(page.body()).contains("DMARC reports", "data-metric=\"pass-rate\"").doesNotContain("http://", "https://");
        assertThat(guardedApi.get("/config.json").json().get("token_required").asBoolean()).isTrue();
        assertThat(api.get("/config.json").json().get("token_required").asBoolean()).isFalse();
        for (String asset : List.of("/assets/app.js", "/assets/chart.js", "/assets/app.css", "/favicon.svg")) {
            ApiClient.Answer file = guardedApi.get(asset);
            assertThat(file.status()).as(asset).isEqualTo(200);
            assertThat(file.body()).as(asset + " loads nothing from elsewhere").doesNotContain("https://", "//cdn");
        }
    }

    @Test
    void servingBeyondThisMachineNeedsAToken() {
        assertThatThrownBy(() -> new DashboardServer.Settings(new InetSocketAddress("0.0.0.0", 0), Optional.empty(), 2, false))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a token");
        assertThatThrownBy(() -> new DashboardServer.Settings(new InetSocketAddress("0.0.0.0", 0), Optional.of("  "), 2, false))
            .hasMessageContaining("needs a token");
        assertThat(new DashboardServer.Settings(new InetSocketAddress("0.0.0.0", 0), Optional.of(TOKEN), 2, false).token()).contains(TOKEN);
        assertThat(new DashboardServer.Settings(new InetSocketAddress("::1", 0), Optional.empty(), 2, false).token()).isEmpty();
    }

    @Test
    void pagesSayWhereTheNextOneBegins() {
        JsonNode first = api.get("/api/exchange/dmarc-reports/example.com/sources?days=10&limit=1").json();
        assertThat(first.get("total").asLong()).isEqualTo(2);
        assertThat(first.get("sources")).hasSize(1);
        assertThat(first.get("sources").get(0).get("ip").asText()).isEqualTo("192.0.2.1");
        assertThat(first.get("next_offset").asLong()).isEqualTo(1);
        JsonNode second = api.get("/api/exchange/dmarc-reports/example.com/sources?days=10&limit=1&offset=1").json();
        assertThat(second.get("sources").get(0).get("ip").asText()).isEqualTo("192.0.2.66");
        assertThat(second.get("next_offset").isNull()).isTrue();
        JsonNode failing = api.get("/api/exchange/dmarc-reports/example.com/sources?days=10&sort=failures&limit=1").json();
        assertThat(failing.get("sources").get(0).get("ip").asText()).isEqualTo("192.0.2.66");
        JsonNode beyond = api.get("/api/exchange/dmarc-reports/example.com/sources?days=10&offset=5").json();
        assertThat(beyond.get("sources")).isEmpty();
        assertThat(beyond.get("total").asLong()).isEqualTo(2);
    }
}
