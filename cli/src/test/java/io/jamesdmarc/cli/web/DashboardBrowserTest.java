package io.jamesdmarc.cli.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.google.common.io.ByteSource;

import io.jamesdmarc.cli.demo.DemoReports;
import io.jamesdmarc.cli.importing.Importer;
import io.jamesdmarc.cli.inputs.Input;
import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.model.unpack.ReportExtractor;
import io.jamesdmarc.storage.reporting.Period;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * The dashboard in a real browser (headless Chromium): the demo's reports imported, the page served,
 * loaded, its scripts run; then the figures it shows are checked against figures computed from the
 * demo's model objects, and a screenshot is saved as {@code target/dashboard.png}. Skipped, saying
 * so, where Chromium is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final LocalDate LAST_DAY = LocalDate.of(2026, 5, 31);
    private static final int TOP_SOURCES_SHOWN = 12;

    @TempDir
    Path profiles;

    private DemoReports demo;
    private ModelFigures expected;
    private DashboardServer server;

    @BeforeAll
    void importTheDemoAndServe() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
            "skipped: no Chromium at " + CHROMIUM + " (install it with: apt-get install -y chromium)");
        demo = DemoReports.generate(LAST_DAY, 7L);
        Importer importer = new Importer(DB.database().reportStore(), new ReportExtractor(ParseLimits.DEFAULTS), Clock.systemUTC(),
            List.of(Duration.ofMillis(200)));
        for (DemoReports.DemoFile file : demo.files()) {
            assertThat(importer.importInput(new Input(file.name(), Path.of("demo", file.name()), ByteSource.wrap(file.content()),
                new Input.PlainFile())).failed()).as(file.name()).isFalse();
        }
        expected = new ModelFigures(demo.aggregates().stream().map(a -> new ModelFigures.Aggregate(a.header(), a.records())).toList(),
            demo.failures().stream().map(f -> new ModelFigures.Failure(f, f.arrivalTime().orElseThrow())).toList(),
            report -> List.<Object>of(report.fields()));
        server = DashboardServer.start(new DashboardServer.Settings(new InetSocketAddress("127.0.0.1", 0), Optional.empty(), 4, true),
            DB.database(), ReverseNames.fixed(DemoReports.reverseNames()),
            Clock.fixed(LAST_DAY.atTime(15, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theDashboardShowsTheFiguresOfTheReports() throws Exception {
        String domain = "example.com";
        Period period = Period.endingOn(LAST_DAY, 30);
        URI page = server.url().resolve("/?domain=" + domain + "&days=30");

        String dom = chromium(page, "--dump-dom");
        Path screenshot = Paths.get("target", "dashboard.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        chromium(page, "--screenshot=" + screenshot);

        assertThat(attribute(dom, "body", "data-loaded")).as("the page loaded its data").isEqualTo(domain + "/30");
        ModelFigures.Summary wanted = expected.summary(domain, period);
        assertThat(wanted.messages()).as("the demo has mail for " + domain).isPositive();
        assertThat(metric(dom, "reports")).isEqualTo(number(wanted.reports()));
        assertThat(metric(dom, "sources")).isEqualTo(number(wanted.sources()));
        assertThat(metric(dom, "messages")).isEqualTo(number(wanted.messages()));
        assertThat(metric(dom, "pass-rate")).isEqualTo(percent(ModelFigures.rate(wanted.pass(), wanted.messages())));
        assertThat(metric(dom, "fail-rate")).isEqualTo(percent(ModelFigures.rate(wanted.fail(), wanted.messages())));
        assertThat(metric(dom, "pass-messages")).isEqualTo(number(wanted.pass()));
        assertThat(metric(dom, "fail-messages")).isEqualTo(number(wanted.fail()));
        assertThat(metric(dom, "none")).isEqualTo(number(wanted.none()));
        assertThat(metric(dom, "quarantine")).isEqualTo(number(wanted.quarantine()));
        assertThat(metric(dom, "reject")).isEqualTo(number(wanted.reject()));
        assertThat(metric(dom, "failure-reports-hint")).contains(number(wanted.failureReports()) + " failure report");

        // the chart: a point per day, and bars for the days with mail
        assertThat(dom).contains("data-points=\"30\"");
        assertThat(count(dom, "class=\"bar-pass\"")).isEqualTo(expected.messagesPerDay(domain, period).size());

        // the top sources, busiest first, with their reverse names
        List<Map.Entry<String, ModelFigures.Source>> sources = new ArrayList<>(expected.sources(domain, period).entrySet());
        sources.sort(Comparator.comparingLong((Map.Entry<String, ModelFigures.Source> e) -> e.getValue().messages()).reversed());
        List<String> shownIps = all(dom, "<tr data-ip=\"([^\"]+)\"");
        assertThat(shownIps).hasSize(Math.min(TOP_SOURCES_SHOWN, sources.size()));
        assertThat(shownIps.get(0)).isEqualTo(sources.get(0).getKey());
        assertThat(dom).contains(DemoReports.reverseNames().get(com.google.common.net.InetAddresses.forString(sources.get(0).getKey())));

        // the recent failures, and the pickers
        assertThat(dom).contains(number(expected.failedRecords(domain, period)) + " failing aggregate row");
        assertThat(all(dom, "<option value=\"([^\"]+)\"")).containsExactlyInAnyOrderElementsOf(DemoReports.domains());
        assertThat(dom).doesNotContain("id=\"demo-badge\" class=\"badge badge-demo\" hidden");

        assertThat(screenshot).exists();
        assertThat(Files.size(screenshot)).as("a screenshot of the page").isGreaterThan(20_000);
    }

    @Test
    void anotherDomainAndPeriodFromTheAddress() throws Exception {
        String domain = "example.net";
        Period period = Period.endingOn(LAST_DAY, 7);
        String dom = chromium(server.url().resolve("/?domain=" + domain + "&days=7"), "--dump-dom");

        assertThat(attribute(dom, "body", "data-loaded")).isEqualTo(domain + "/7");
        ModelFigures.Summary wanted = expected.summary(domain, period);
        assertThat(metric(dom, "messages")).isEqualTo(number(wanted.messages()));
        assertThat(metric(dom, "reports")).isEqualTo(number(wanted.reports()));
        assertThat(metric(dom, "quarantine")).isEqualTo(number(wanted.quarantine()));
        assertThat(dom).contains("data-points=\"7\"");
    }

    /** Runs headless Chromium on the page until its scripts are done, returning what it prints. */
    private String chromium(URI page, String action) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(profiles, "chromium");
        List<String> command = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            "--hide-scrollbars", "--user-data-dir=" + profile, "--window-size=1440,1500", "--virtual-time-budget=20000", action,
            page.toString());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("chromium did not finish: " + command);
        }
        assertThat(process.exitValue()).as("chromium " + action).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }

    private static String metric(String dom, String name) {
        Matcher matcher = Pattern.compile("data-metric=\"" + Pattern.quote(name) + "\"[^>]*>([^<]*)<").matcher(dom);
        assertThat(matcher.find()).as("metric " + name + " on the page").isTrue();
        return matcher.group(1).strip();
    }

    private static String attribute(String dom, String tag, String name) {
        Matcher matcher = Pattern.compile("<" + tag + "\\b[^>]*\\b" + Pattern.quote(name) + "=\"([^\"]*)\"").matcher(dom);
        return matcher.find() ? matcher.group(1) : null;
    }

    private static List<String> all(String dom, String regex) {
        List<String> found = new ArrayList<>();
        Matcher matcher = Pattern.compile(regex).matcher(dom);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    private static int count(String dom, String text) {
        return all(dom, "(" + Pattern.quote(text) + ")").size();
    }

    /** As the page writes numbers (en-US grouping). */
    private static String number(long value) {
        return String.format(Locale.US, "%,d", value);
    }

    /** As the page writes rates: JavaScript's toFixed, one decimal (none at 0 and from 99.95). */
    private static String percent(double rate) {
        int decimals = rate >= 99.95 || rate == 0 ? 0 : 1;
        return new BigDecimal(rate).setScale(decimals, RoundingMode.HALF_UP).toPlainString() + "%";
    }
}
