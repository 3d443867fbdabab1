package io.jamesdmarc.storage.outbound;

import static io.jamesdmarc.storage.testing.EvaluationFixtures.dkim;
import static io.jamesdmarc.storage.testing.EvaluationFixtures.evaluation;
import static io.jamesdmarc.storage.testing.EvaluationFixtures.policy;
import static io.jamesdmarc.storage.testing.EvaluationFixtures.spf;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.Validator;

import jakarta.mail.internet.MimeMultipart;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.model.aggregate.ParsedAggregateReport;
import io.jamesdmarc.model.aggregate.ReportFormat;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.destination.DestinationStatus;
import io.jamesdmarc.model.destination.ExternalDestinationVerifier;
import io.jamesdmarc.model.destination.ReportDestination;
import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DnsSettings;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.evaluation.record.RecordedPolicy;
import io.jamesdmarc.model.outbound.ReportPeriod;
import io.jamesdmarc.model.outbound.ReporterIdentity;
import io.jamesdmarc.model.outbound.SendFrequency;
import io.jamesdmarc.model.policy.PolicyDiscovery;
import io.jamesdmarc.model.policy.ReportUri;
import io.jamesdmarc.model.testing.AggregateSchemas;
import io.jamesdmarc.model.testing.Corpus;
import io.jamesdmarc.model.testing.LoopbackDnsServer;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.storage.evaluation.EvaluationRepository;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * Outbound aggregate reports from stored evaluations, against a real database: grouping, UTC period
 * boundaries, splitting at the size limit, external destination verification against DNS on
 * loopback, two reporters racing on one database, failed sends retried with the same id, and
 * frequency {@code never}.
 */
class AggregateReportingTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final Instant DAY = Instant.parse("2026-05-20T00:00:00Z");
    private static final ReportPeriod MAY_20 = SendFrequency.DAILY.periodOf(DAY);
    private static final Instant NEXT_MORNING = Instant.parse("2026-05-21T06:00:00Z");
    private static final ReporterIdentity US = ReporterIdentity.defaults("mx.example.net");
    /** Every rua is internal: no DNS needed. */
    private static final ReportDestinations ALL_INTERNAL = (domain, rua) -> rua.stream().map(ReportUri::parse)
        .map(uri -> new ReportDestination(uri, DestinationStatus.INTERNAL, List.of(uri.mailbox().orElseThrow()), "test")).toList();

    private EvaluationRepository evaluations;
    private OutboundAggregateReports reports;
    private SqlProbe sql;

    @BeforeEach
    void empty() throws SQLException {
        sql = new SqlProbe(DB.dataSource());
        try (java.sql.Connection connection = DB.dataSource().getConnection(); java.sql.Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM evaluations");
            statement.execute("DELETE FROM outbound_aggregate_reports");
        }
        evaluations = new EvaluationRepository(DB.dataSource());
        reports = new OutboundAggregateReports(DB.dataSource());
    }

    private AggregateReporting reporting(ReportSender sender, String owner) {
        return reporting(sender, owner, ALL_INTERNAL, ReportingSettings.DEFAULT_MAX_REPORT_SIZE);
    }

    private AggregateReporting reporting(ReportSender sender, String owner, ReportDestinations destinations, long maxSize) {
        return new AggregateReporting(evaluations, reports, ReportingSettings.defaults(US, owner).withMaxReportSize(maxSize),
            destinations, sender);
    }

    @Test
    void recordsAreGroupedByEveryValueTheyShowNotTakenFromTheFirstRow() throws Exception {
        List<EvaluationRecord> stored = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            stored.add(evaluation().at(DAY.plusSeconds(60 + i)).source("192.0.2.1").build());
        }
        // same source, same disposition: only a second DKIM result differs
        stored.add(evaluation().at(DAY.plusSeconds(70)).source("192.0.2.1")
            .dkim(dkim("example.com", "sel", DkimResult.PASS), dkim("esp.example", "s2", DkimResult.FAIL)).build());
        // same source: only envelope_from differs
        stored.add(evaluation().at(DAY.plusSeconds(80)).source("192.0.2.1").envelopeFrom("bounce.example.com")
            .spf(spf("bounce.example.com", SpfResult.PASS)).build());
        // a spoof from elsewhere
        stored.add(evaluation().at(DAY.plusSeconds(90)).source("203.0.113.9").envelopeFrom("spoof.example").dkim()
            .spf(spf("spoof.example", SpfResult.FAIL)).evaluated(DmarcResult.FAIL, Disposition.REJECT, PolicyResult.FAIL,
                PolicyResult.FAIL).build());
        evaluations.store(stored);
        CollectingSender sender = new CollectingSender();

        List<ReportOutcome> outcomes = reporting(sender, "a").sendDue(SendFrequency.DAILY, NEXT_MORNING);

        assertThat(outcomes).extracting(ReportOutcome::status).containsExactly(ReportOutcome.Status.SENT);
        assertThat(sender.sent).hasSize(1);
        ParsedAggregateReport report = CollectingSender.parsed(sender.sent.get(0));
        Map<String, Long> counts = report.records().stream().collect(Collectors.toMap(AggregateReportingTest::describe,
            ReportRecord::count));
        assertThat(counts).containsOnly(
            Map.entry("192.0.2.1 example.com from example.com dkim [example.com/sel pass] pass", 3L),
            Map.entry("192.0.2.1 example.com from example.com dkim [esp.example/s2 fail, example.com/sel pass] pass", 1L),
            Map.entry("192.0.2.1 example.com from bounce.example.com dkim [example.com/sel pass] pass", 1L),
            Map.entry("203.0.113.9 example.com from spoof.example dkim [] reject", 1L));
        assertThat(report.report().metadata().dateRange().begin()).isEqualTo(DAY);
        assertThat(report.report().metadata().dateRange().end()).isEqualTo(DAY.plusSeconds(86_399));
        assertThat(report.report().format()).isEqualTo(ReportFormat.RFC9990);
        assertThat(sql.strings("SELECT CONCAT_WS(' ', state, parts, records, messages) FROM outbound_aggregate_reports"))
            .containsExactly("sent 1 4 6");
        assertThat(sql.strings("SELECT COUNT(*) FROM evaluation_domains WHERE aggregate_report_id IS NULL")).containsExactly("0");
        // nothing is due any more: each report goes once
        assertThat(reporting(sender, "a").sendDue(SendFrequency.DAILY, NEXT_MORNING.plusSeconds(3600))).isEmpty();
        assertThat(sender.sent).hasSize(1);
    }

    private static String describe(ReportRecord record) {
        return record.sourceIp().text() + " " + record.headerFrom().orElse("-") + " from " + record.envelopeFrom().orElse("-") + " dkim "
            + record.dkim().stream().map(d -> d.domain() + "/" + d.selector().orElse("-") + " " + d.result().raw())
                .sorted().toList() + " " + record.policyEvaluated().disposition().raw();
    }

    @Test
    void periodsAreUtcDaysHoursOrWeeksAndEvaluationsAtTheBoundaryGoToTheNextOne() throws Exception {
        Instant lastMicro = Instant.parse("2026-05-20T23:59:59.999999Z");
        Instant midnight = Instant.parse("2026-05-21T00:00:00Z");
        evaluations.store(List.of(evaluation().at(lastMicro).build(), evaluation().at(midnight).build(),
            evaluation().at(Instant.parse("2026-05-21T00:59:59Z")).build()));
        CollectingSender sender = new CollectingSender();

        // at 00:10 on the 21st, the 20th is over but within the send delay (15 min): nothing yet
        assertThat(reporting(sender, "a").sendDue(SendFrequency.DAILY, Instant.parse("2026-05-21T00:10:00Z"))).isEmpty();
        reporting(sender, "a").sendDue(SendFrequency.DAILY, Instant.parse("2026-05-21T00:20:00Z"));
        assertThat(sender.sent).singleElement().satisfies(report -> {
            assertThat(report.period()).isEqualTo(MAY_20);
            assertThat(report.part().messages()).isEqualTo(1);
            assertThat(report.part().fileName()).isEqualTo("mx.example.net!example.com!1779235200!1779321599!"
                + report.part().reportId() + ".xml.gz");
        });
        // hourly: the 21st's first hour holds the other two
        reporting(sender, "a").sendDue(SendFrequency.HOURLY, Instant.parse("2026-05-21T01:20:00Z"));
        assertThat(sender.sent).hasSize(2);
        assertThat(sender.sent.get(1).period()).isEqualTo(new ReportPeriod(midnight, midnight.plusSeconds(3600)));
        assertThat(sender.sent.get(1).part().messages()).isEqualTo(2);

        assertThat(SendFrequency.WEEKLY.periodOf(Instant.parse("2026-05-20T12:00:00Z")))
            .isEqualTo(new ReportPeriod(Instant.parse("2026-05-18T00:00:00Z"), Instant.parse("2026-05-25T00:00:00Z")));
        assertThat(SendFrequency.WEEKLY.periodOf(Instant.parse("2026-05-24T23:59:59.999Z")).end())
            .isEqualTo(Instant.parse("2026-05-25T00:00:00Z"));
        assertThat(SendFrequency.WEEKLY.periodOf(Instant.parse("2026-05-25T00:00:00Z")).begin())
            .isEqualTo(Instant.parse("2026-05-25T00:00:00Z"));
        assertThat(SendFrequency.HOURLY.lastCompleteBefore(Instant.parse("2026-05-21T01:00:00Z")))
            .isEqualTo(new ReportPeriod(midnight, midnight.plusSeconds(3600)));
    }

    @Test
    void afterTheFrequencyChangesNoEvaluationIsReportedTwice() throws Exception {
        evaluations.store(List.of(evaluation().at(Instant.parse("2026-05-20T10:15:00Z")).build(),
            evaluation().at(Instant.parse("2026-05-20T10:20:00Z")).source("203.0.113.8").build(),
            evaluation().at(Instant.parse("2026-05-20T15:00:00Z")).build()));
        CollectingSender sender = new CollectingSender();

        // hourly up to 12:00, then daily: the day's report counts what the hourly ones did not
        reporting(sender, "a").sendDue(SendFrequency.HOURLY, Instant.parse("2026-05-20T12:00:00Z"));
        assertThat(sender.sent).singleElement().satisfies(report -> assertThat(report.part().messages()).isEqualTo(2));
        reporting(sender, "a").sendDue(SendFrequency.DAILY, NEXT_MORNING);

        assertThat(sender.sent).hasSize(2);
        assertThat(sender.sent.get(1).period()).isEqualTo(MAY_20);
        assertThat(sender.sent.get(1).part().messages()).isEqualTo(1);
        assertThat(CollectingSender.parsed(sender.sent.get(1)).records()).singleElement()
            .satisfies(record -> assertThat(record.sourceIp().text()).isEqualTo("192.0.2.1"));
        assertThat(evaluations.oldestUnreported(Instant.EPOCH)).isEmpty();
    }

    @Test
    void aReportLargerThanTheLimitIsSplitIntoValidReportsWithTheirOwnIdsAndNothingIsLost() throws Exception {
        Schema schema = AggregateSchemas.rfc9990(Corpus.require());
        List<EvaluationRecord> stored = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            // distinct sources: 1,500 records
            stored.add(evaluation().at(DAY.plusSeconds(i)).source("10." + (i / 65536) + "." + (i / 256 % 256) + "." + (i % 256)).build());
        }
        evaluations.store(stored);
        CollectingSender sender = new CollectingSender();
        long limit = 8_000;

        reporting(sender, "a", ALL_INTERNAL, limit).sendDue(SendFrequency.DAILY, NEXT_MORNING);

        assertThat(sender.sent.size()).isGreaterThan(2);
        String first = sender.sent.get(0).part().reportId();
        long records = 0;
        long messages = 0;
        for (int i = 0; i < sender.sent.size(); i++) {
            OutgoingReport part = sender.sent.get(i);
            assertThat(part.part().gzip().length).as("part %d", i + 1).isLessThanOrEqualTo((int) limit);
            assertThat(part.part().reportId()).isEqualTo(i == 0 ? first : first + "-" + (i + 1));
            assertThat(part.parts()).isEqualTo(sender.sent.size());
            validate(schema, CollectingSender.xml(part));
            ParsedAggregateReport parsed = CollectingSender.parsed(part);
            assertThat(parsed.report().metadata().reportId()).isEqualTo(part.part().reportId());
            records += parsed.records().size();
            messages += parsed.records().stream().mapToLong(ReportRecord::count).sum();
        }
        assertThat(records).isEqualTo(1500);
        assertThat(messages).isEqualTo(1500);
        assertThat(sql.strings("SELECT CONCAT_WS(' ', state, parts, records) FROM outbound_aggregate_reports"))
            .containsExactly("sent " + sender.sent.size() + " 1500");
    }

    @Test
    void aDestinationsSizeLimitSplitsTheReportToo() throws Exception {
        List<EvaluationRecord> stored = new ArrayList<>();
        RecordedPolicy limited = new RecordedPolicy("v=DMARC1; p=reject; rua=mailto:dmarc@example.com!5k", policy("example.com",
            PolicyAction.REJECT).published(), List.of("mailto:dmarc@example.com!5k"), List.of());
        for (int i = 0; i < 400; i++) {
            stored.add(evaluation().at(DAY.plusSeconds(i)).source("10.1." + (i / 256) + "." + (i % 256)).policy(limited).build());
        }
        evaluations.store(stored);
        CollectingSender sender = new CollectingSender();

        reporting(sender, "a").sendDue(SendFrequency.DAILY, NEXT_MORNING);

        assertThat(sender.sent.size()).isGreaterThan(1);
        assertThat(sender.sent).allSatisfy(part -> assertThat(part.part().gzip().length).isLessThanOrEqualTo(5 * 1024));
        assertThat(sender.sent.stream().mapToInt(p -> p.part().records()).sum()).isEqualTo(400);
    }

    @Test
    void externalDestinationsGetReportsOnlyWhenTheyConsentInTheDns() throws Exception {
        try (LoopbackDnsServer dns = LoopbackDnsServer.start("""
                example.com._report._dmarc.consenting.example.  TXT "v=DMARC1;"
                example.com._report._dmarc.overriding.example.  TXT "v=DMARC1; rua=mailto:agg@overriding.example"
                """)) {
            DnsResolver resolver = new DnsResolver(DnsSettings.of(List.of(dns.address())).withTimeout(Duration.ofMillis(300))
                .withAttempts(1));
            ReportDestinations verified = ReportDestinations.verifiedBy(new ExternalDestinationVerifier(resolver,
                PolicyDiscovery.create(DiscoveryMethod.PSL, resolver)));
            List<String> rua = List.of("mailto:dmarc@example.com", "mailto:reports@consenting.example", "mailto:x@overriding.example",
                "mailto:reports@silent.example", "https://reports.example/upload");
            evaluations.store(List.of(evaluation().at(DAY.plusSeconds(5)).policy(new RecordedPolicy("v=DMARC1; p=reject; rua="
                + String.join(",", rua), policy("example.com", PolicyAction.REJECT).published(), rua, List.of())).build()));
            CollectingSender sender = new CollectingSender();

            List<ReportOutcome> outcomes = reporting(sender, "a", verified, ReportingSettings.DEFAULT_MAX_REPORT_SIZE)
                .sendDue(SendFrequency.DAILY, NEXT_MORNING);

            assertThat(outcomes).extracting(ReportOutcome::status).containsExactly(ReportOutcome.Status.SENT);
            assertThat(sender.sent).singleElement().satisfies(report -> assertThat(report.recipients())
                .containsExactly("dmarc@example.com", "reports@consenting.example", "agg@overriding.example"));
            assertThat(dns.txtQueries()).contains("example.com._report._dmarc.silent.example");
            String destinations = sql.strings("SELECT destinations FROM outbound_aggregate_reports").get(0);
            assertThat(destinations).contains("\"uri\":\"mailto:reports@silent.example\",\"status\":\"NOT_AUTHORISED\"")
                .contains("\"status\":\"IGNORED\"").contains("\"status\":\"AUTHORISED\"").contains("\"status\":\"INTERNAL\"");
        }
    }

    @Test
    void aRecordListingManyDestinationsGetsItsFirstTenOnly() throws Exception {
        List<String> rua = new ArrayList<>();
        for (int i = 1; i <= 25; i++) {
            rua.add("mailto:dmarc" + i + "@example.com");
        }
        evaluations.store(List.of(evaluation().at(DAY.plusSeconds(5)).policy(new RecordedPolicy("v=DMARC1; p=reject; rua="
            + String.join(",", rua), policy("example.com", PolicyAction.REJECT).published(), rua, List.of())).build()));
        CollectingSender sender = new CollectingSender();

        reporting(sender, "a").sendDue(SendFrequency.DAILY, NEXT_MORNING);

        assertThat(sender.sent).singleElement().satisfies(report -> assertThat(report.recipients())
            .hasSize(ReportingSettings.MAX_DESTINATIONS).startsWith("dmarc1@example.com").endsWith("dmarc10@example.com"));
    }

    @Test
    void aPolicyWithoutVerifiedDestinationsSendsNothingAndItsEvaluationsCountAsReported() throws Exception {
        ReportDestinations noneAuthorised = (domain, rua) -> rua.stream().map(ReportUri::parse)
            .map(uri -> new ReportDestination(uri, DestinationStatus.NOT_AUTHORISED, List.of(), "no consent (test)")).toList();
        evaluations.store(List.of(evaluation().at(DAY.plusSeconds(5)).build()));
        CollectingSender sender = new CollectingSender();

        List<ReportOutcome> outcomes = reporting(sender, "a", noneAuthorised, ReportingSettings.DEFAULT_MAX_REPORT_SIZE)
            .sendDue(SendFrequency.DAILY, NEXT_MORNING);

        assertThat(outcomes).extracting(ReportOutcome::status).containsExactly(ReportOutcome.Status.UNDELIVERABLE);
        assertThat(sender.sent).isEmpty();
        assertThat(sql.strings("SELECT state FROM outbound_aggregate_reports")).containsExactly("undeliverable");
        assertThat(evaluations.oldestUnreported(Instant.EPOCH)).isEmpty();
    }

    @Test
    void twoReportersRacingOnOneDatabaseSendEachReportExactlyOnce() throws Exception {
        List<EvaluationRecord> stored = new ArrayList<>();
        for (int domain = 0; domain < 40; domain++) {
            for (int i = 0; i < 5; i++) {
                String name = "d" + domain + ".example";
                stored.add(evaluation().at(DAY.plusSeconds(domain * 100L + i)).headerFrom(name).envelopeFrom(name)
                    .policy(policy(name, PolicyAction.REJECT)).build());
            }
        }
        evaluations.store(stored);
        for (int round = 0; round < 3; round++) {
            CollectingSender sender = new CollectingSender();
            CyclicBarrier start = new CyclicBarrier(2);
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                List<Future<List<ReportOutcome>>> runs = new ArrayList<>();
                for (String owner : List.of("node-1", "node-2")) {
                    AggregateReporting reporter = reporting(sender, owner + "-" + round);
                    runs.add(threads.submit(() -> {
                        start.await();
                        return reporter.sendDue(SendFrequency.DAILY, NEXT_MORNING);
                    }));
                }
                for (Future<List<ReportOutcome>> run : runs) {
                    run.get();
                }
            } finally {
                threads.shutdown();
            }
            if (round == 0) {
                Map<String, Long> byId = sender.sent.stream().collect(Collectors.groupingBy(r -> r.part().reportId(), Collectors.counting()));
                assertThat(byId).hasSize(40).allSatisfy((id, times) -> assertThat(times).as(id).isEqualTo(1));
                assertThat(sql.strings("SELECT COUNT(*) FROM outbound_aggregate_reports WHERE state = 'sent'")).containsExactly("40");
            } else {
                assertThat(sender.sent).isEmpty();
            }
        }
    }

    @Test
    void aFailedSendIsTriedAgainAfterTheBackOffWithTheSameIdAndFileNameAndNeverTwice() throws Exception {
        evaluations.store(List.of(evaluation().at(DAY.plusSeconds(5)).build()));
        CollectingSender failingOnce = new CollectingSender(1);
        AggregateReporting reporter = reporting(failingOnce, "a");

        assertThat(reporter.sendDue(SendFrequency.DAILY, NEXT_MORNING)).extracting(ReportOutcome::status)
            .containsExactly(ReportOutcome.Status.FAILED);
        OutboundAggregateReports.Row failed = reports.list(Instant.EPOCH, Instant.parse("9999-01-01T00:00:00Z")).get(0);
        assertThat(failed.state()).isEqualTo(OutboundReportState.FAILED);
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.nextAttemptAt()).isEqualTo(NEXT_MORNING.plus(ReportingSettings.FIRST_BACKOFF));
        assertThat(failed.lastError()).get().asString().contains("the relay refused the mail");
        assertThat(evaluations.oldestUnreported(Instant.EPOCH)).isPresent();

        // before the back-off: nobody takes it, not even another reporter
        assertThat(reporting(failingOnce, "b").sendDue(SendFrequency.DAILY, NEXT_MORNING.plusSeconds(60)))
            .extracting(ReportOutcome::status).containsExactly(ReportOutcome.Status.HELD_ELSEWHERE);
        assertThat(failingOnce.sent).isEmpty();
        // after it: sent once, as the report it was
        reporting(failingOnce, "b").sendDue(SendFrequency.DAILY, NEXT_MORNING.plus(ReportingSettings.FIRST_BACKOFF));
        reporting(failingOnce, "c").sendDue(SendFrequency.DAILY, NEXT_MORNING.plus(Duration.ofHours(2)));
        assertThat(failingOnce.sent).singleElement().satisfies(report -> {
            assertThat(report.part().reportId()).isEqualTo(failed.reportId());
            assertThat(report.part().fileName()).endsWith("!" + failed.reportId() + ".xml.gz");
        });
        assertThat(ReportingSettings.backoff(2)).isEqualTo(Duration.ofMinutes(10));
        assertThat(ReportingSettings.backoff(30)).isEqualTo(ReportingSettings.MAX_BACKOFF);
    }

    @Test
    void theDatabaseGoingAwayAfterTheMailWasHandedOverLosesNothingAndTheReportGoesAgainWithItsId() throws Exception {
        evaluations.store(List.of(evaluation().at(DAY.plusSeconds(5)).build(), evaluation().at(DAY.plusSeconds(6)).build()));
        CollectingSender afterTheOutage = new CollectingSender();
        List<OutgoingReport> handedOver = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (io.jamesdmarc.storage.testing.TcpProxy proxy = io.jamesdmarc.storage.testing.TcpProxy.before(DB.config());
             io.jamesdmarc.storage.Database proxied = io.jamesdmarc.storage.Database.open(proxy.config())) {
            ReportSender cutAfterSending = report -> {
                handedOver.add(report);
                proxy.stop();
            };
            AggregateReporting cut = new AggregateReporting(new EvaluationRepository(proxied.dataSource()),
                new OutboundAggregateReports(proxied.dataSource()), ReportingSettings.defaults(US, "cut-off"), ALL_INTERNAL, cutAfterSending);

            // the report's failure cannot be recorded, and the run stops at its next query (the scheduler logs it)
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> cut.sendDue(SendFrequency.DAILY, NEXT_MORNING))
                .isInstanceOf(SQLException.class);
        }
        assertThat(handedOver).hasSize(1);
        assertThat(sql.strings("SELECT state FROM outbound_aggregate_reports")).containsExactly("sending");
        assertThat(evaluations.oldestUnreported(Instant.EPOCH)).as("nothing marked, nothing lost").isPresent();

        // another reporter: not while the lease holds, then once, as the same report
        reporting(afterTheOutage, "b").sendDue(SendFrequency.DAILY, NEXT_MORNING.plus(Duration.ofMinutes(5)));
        assertThat(afterTheOutage.sent).isEmpty();
        reporting(afterTheOutage, "b").sendDue(SendFrequency.DAILY, NEXT_MORNING.plus(Duration.ofMinutes(16)));
        reporting(afterTheOutage, "c").sendDue(SendFrequency.DAILY, NEXT_MORNING.plus(Duration.ofMinutes(30)));
        assertThat(afterTheOutage.sent).singleElement().satisfies(report -> {
            assertThat(report.part().reportId()).isEqualTo(handedOver.get(0).part().reportId());
            assertThat(report.part().fileName()).isEqualTo(handedOver.get(0).part().fileName());
            assertThat(report.part().messages()).isEqualTo(2);
        });
        assertThat(sql.strings("SELECT state FROM outbound_aggregate_reports")).containsExactly("sent");
        assertThat(evaluations.oldestUnreported(Instant.EPOCH)).isEmpty();
    }

    @Test
    void aClaimWhoseReporterDiedIsTakenOverWhenItsLeaseEnds() throws Exception {
        evaluations.store(List.of(evaluation().at(DAY.plusSeconds(5)).build()));
        OutboundReportKey key = new OutboundReportKey("example.com",
            evaluations.reportablePolicies(MAY_20.begin(), MAY_20.end()).get(0).policyHash(), MAY_20);
        assertThat(reports.claim(key, "dead-node", key.reportId("mx.example.net"), NEXT_MORNING, Duration.ofMinutes(15))).isPresent();
        CollectingSender sender = new CollectingSender();

        reporting(sender, "b").sendDue(SendFrequency.DAILY, NEXT_MORNING.plusSeconds(60));
        assertThat(sender.sent).isEmpty();
        reporting(sender, "b").sendDue(SendFrequency.DAILY, NEXT_MORNING.plus(Duration.ofMinutes(16)));
        assertThat(sender.sent).hasSize(1);
    }

    @Test
    void frequencyNeverSendsNothingAndPruningKeepsWhatIsUnreported() throws Exception {
        Instant old = Instant.parse("2026-01-10T10:00:00Z");
        evaluations.store(List.of(evaluation().at(old).build(), evaluation().at(DAY.plusSeconds(5)).build()));
        CollectingSender sender = new CollectingSender();

        assertThat(reporting(sender, "a").sendDue(SendFrequency.NEVER, NEXT_MORNING)).isEmpty();
        assertThat(evaluations.pruneReportedBefore(NEXT_MORNING)).isZero();
        assertThat(evaluations.count()).isEqualTo(2);
        assertThat(sender.sent).isEmpty();

        // sending resumes: every period held back is reported, then pruned after the retention
        List<ReportOutcome> resumed = reporting(sender, "a").sendDue(SendFrequency.DAILY, NEXT_MORNING);
        assertThat(resumed).extracting(o -> o.key().period().begin())
            .containsExactly(Instant.parse("2026-01-10T00:00:00Z"), DAY);
        assertThat(evaluations.pruneReportedBefore(DAY)).isEqualTo(1);
        assertThat(evaluations.count()).isEqualTo(1);
    }

    @Test
    void oddBytesAreEscapedOrDroppedAndBothFormatsValidate() throws Exception {
        evaluations.store(List.of(evaluation().at(DAY.plusSeconds(5)).source("2001:db8::25")
            .dkim(dkim("example.com", "s<&>\"'\u0007\u00e9", DkimResult.PASS)).build()));
        for (ReportFormat format : List.of(ReportFormat.RFC9990, ReportFormat.RFC7489)) {
            Schema schema = format == ReportFormat.RFC9990 ? AggregateSchemas.rfc9990(Corpus.require())
                : AggregateSchemas.rfc7489Repaired(Corpus.require());
            CollectingSender sender = new CollectingSender();
            new AggregateReporting(evaluations, reports, ReportingSettings.defaults(US, "a").withFormat(format), ALL_INTERNAL, sender)
                .send(MAY_20, NEXT_MORNING, true);

            byte[] xml = CollectingSender.xml(sender.sent.get(0));
            validate(schema, xml);
            ParsedAggregateReport parsed = CollectingSender.parsed(sender.sent.get(0));
            assertThat(parsed.report().format()).isEqualTo(format);
            assertThat(parsed.records()).singleElement().satisfies(record ->
                assertThat(record.dkim().get(0).selector()).contains("s<&>\"'\u00e9"));
        }
        assertThat(sql.strings("SELECT COUNT(*) FROM outbound_aggregate_reports")).as("dry runs record nothing").containsExactly("0");
    }

    @Test
    void theMailCarriesTheGzippedReportNamedAsRfc9990Says() throws Exception {
        evaluations.store(List.of(evaluation().at(DAY.plusSeconds(5)).build()));
        CollectingSender sender = new CollectingSender();

        reporting(sender, "a").sendDue(SendFrequency.DAILY, NEXT_MORNING);

        OutgoingReport report = sender.sent.get(0);
        assertThat(report.envelopeSender()).isEqualTo("noreply-dmarc@mx.example.net");
        assertThat(report.message().getSubject()).isEqualTo("DMARC Aggregate Report - Report Domain: example.com Submitter: mx.example.net "
            + "Report-ID: <" + report.part().reportId() + ">");
        assertThat(report.message().getHeader("Auto-Submitted", null)).isEqualTo("auto-generated");
        assertThat(report.message().getFrom()[0].toString()).isEqualTo("Report Subsystem <noreply-dmarc@mx.example.net>");
        MimeMultipart parts = (MimeMultipart) report.message().getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("application/gzip");
        assertThat(parts.getBodyPart(1).getFileName()).isEqualTo(report.part().fileName());
        assertThat(((java.io.InputStream) parts.getBodyPart(1).getContent()).readAllBytes()).isEqualTo(report.part().gzip());
    }

    private static void validate(Schema schema, byte[] xml) throws Exception {
        Validator validator = schema.newValidator();
        validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        validator.validate(new StreamSource(new ByteArrayInputStream(xml)));
    }
}
