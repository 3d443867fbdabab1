package io.jamesdmarc.storage.reporting;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.PolicyEvaluated;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.aggregate.SourceIp;
import io.jamesdmarc.model.failure.FailureReport;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.storage.ingest.MailAuthentication;
import io.jamesdmarc.storage.ingest.ReceivedMessage;
import io.jamesdmarc.storage.ingest.ReceivedMessageRef;
import io.jamesdmarc.storage.ingest.ReportStore;
import io.jamesdmarc.storage.testing.ReportFixtures;
import io.jamesdmarc.storage.testing.TestReportSource;

/**
 * Ten days of made-up reports for three domains from four reporters: varied dispositions (pass and an
 * unknown one included), missing aligned results, IPv4, IPv6 and a non-address, reports without
 * records, re-sends, the same id for another range, messages carrying several reports, failure
 * reports with and without Arrival-Date, and rejected inputs. The same seed gives the same data.
 */
public final class GeneratedDataSet implements ReportDataSet {

    static final Instant FIRST_DAY = Instant.parse("2026-05-01T00:00:00Z");
    static final int DAYS = 10;
    static final List<String> DOMAINS = List.of("example.com", "example.org", "shop.example.net");
    private static final String[][] REPORTERS = {
        {"google.com", "noreply-dmarc-support@google.com"},
        {"Yahoo", "dmarchelp@yahooinc.com"},
        {"Mail.Ru", "dmarc_support@corp.mail.ru"},
        {"Outlook.com", "dmarcreport@microsoft.com"}};

    private final long seed;

    public GeneratedDataSet(long seed) {
        this.seed = seed;
    }

    @Override
    public String describe() {
        return "generated reports (seed " + seed + ")";
    }

    @Override
    public Delivered load(ReportStore store) throws Exception {
        Random random = new Random(seed);
        List<String> addresses = new ArrayList<>();
        for (int i = 1; i <= 24; i++) {
            addresses.add((i % 2 == 0 ? "198.51.100." : "203.0.113.") + (i * 7 % 250 + 1));
        }
        for (int i = 1; i <= 8; i++) {
            addresses.add("2001:db8:" + Integer.toHexString(i) + "::" + Integer.toHexString(i * 31));
        }
        addresses.add("unknown-host");

        List<AggregateDelivery> aggregates = new ArrayList<>();
        List<AggregateReport> headers = new ArrayList<>();
        List<List<ReportRecord>> bodies = new ArrayList<>();
        for (int day = 0; day < DAYS; day++) {
            Instant begin = FIRST_DAY.plus(Duration.ofDays(day));
            for (String domain : DOMAINS) {
                for (String[] reporter : REPORTERS) {
                    if (random.nextInt(4) == 0) {
                        continue;
                    }
                    int count = random.nextInt(9) == 0 ? 0 : 1 + random.nextInt(25);
                    List<ReportRecord> records = new ArrayList<>();
                    for (int n = 0; n < count; n++) {
                        records.add(record(random, addresses, domain));
                    }
                    headers.add(ReportFixtures.header(reporter[0], reporter[1], reporter[0].toLowerCase() + "-" + day + "-" + domain,
                        domain, begin, begin.plusSeconds(86_399)));
                    bodies.add(records);
                }
            }
        }
        // the same id as an earlier report, for the next day: another report
        AggregateReport first = headers.get(0);
        headers.add(ReportFixtures.header(first.metadata().orgName(), first.metadata().email(), first.metadata().reportId(),
            first.policyPublished().domain(), first.metadata().dateRange().begin().plus(Duration.ofDays(1)),
            first.metadata().dateRange().end().plus(Duration.ofDays(1))));
        bodies.add(List.of(record(random, addresses, first.policyPublished().domain())));

        int mail = 0;
        int next = 0;
        while (next < headers.size()) {
            // one to three reports per message, as reporters that batch domains send them
            int carried = Math.min(headers.size() - next, 1 + random.nextInt(3));
            Instant receivedAt = headers.get(next).metadata().dateRange().end().plus(Duration.ofHours(3));
            ReceivedMessage message = message(random, "gen-" + seed + "-" + ++mail, receivedAt);
            ReceivedMessageRef ref = store.recordMessage(message);
            for (int i = 0; i < carried; i++, next++) {
                store.storeAggregate(ref, TestReportSource.of(headers.get(next), bodies.get(next)));
                aggregates.add(new AggregateDelivery(message, headers.get(next), bodies.get(next)));
            }
        }
        // re-sends: the same reports again, in later messages
        for (int i = 0; i < 6; i++) {
            int which = random.nextInt(headers.size());
            ReceivedMessage message = message(random, "gen-" + seed + "-resend-" + i, headers.get(which).metadata().dateRange().end()
                .plus(Duration.ofDays(1)));
            store.storeAggregate(store.recordMessage(message), TestReportSource.of(headers.get(which), bodies.get(which)));
            aggregates.add(new AggregateDelivery(message, headers.get(which), bodies.get(which)));
        }

        List<FailureDelivery> failures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String domain = DOMAINS.get(random.nextInt(DOMAINS.size()));
            Instant arrival = FIRST_DAY.plus(Duration.ofMinutes(random.nextInt(DAYS * 24 * 60)));
            FailureReport report = ReportFixtures.failure(domain, addresses.get(random.nextInt(addresses.size() - 1)), arrival,
                "<f" + i + "@" + domain + ">");
            if (i % 5 == 0) {
                report = withoutArrivalTime(report);
            }
            ReceivedMessage message = message(random, "gen-" + seed + "-ruf-" + i, arrival.plus(Duration.ofHours(30)));
            store.storeFailure(store.recordMessage(message), report);
            failures.add(new FailureDelivery(message, report));
            if (i % 7 == 0) {
                ReceivedMessage copy = message(random, "gen-" + seed + "-ruf-copy-" + i, arrival.plus(Duration.ofHours(31)));
                store.storeFailure(store.recordMessage(copy), report);
                failures.add(new FailureDelivery(copy, report));
            }
        }

        List<RejectedDelivery> rejected = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ReceivedMessage message = message(random, "gen-" + seed + "-bad-" + i, FIRST_DAY.plus(Duration.ofDays(i)));
            byte[] raw = ("<feedback>" + i).getBytes(StandardCharsets.UTF_8);
            Instant before = Instant.now().minusSeconds(1);
            store.storeUnparseable(store.recordMessage(message), "part " + (i + 2), raw, ReportParseException.Problem.MALFORMED_XML,
                "line 1, column " + (11 + i) + ": unexpected end of document");
            rejected.add(new RejectedDelivery(message, "part " + (i + 2), raw.length, ReportParseException.Problem.MALFORMED_XML,
                "line 1, column " + (11 + i) + ": unexpected end of document", before, Instant.now().plusSeconds(1)));
        }
        return new Delivered(aggregates, failures, rejected);
    }

    private static ReportRecord record(Random random, List<String> addresses, String domain) {
        String[] dispositions = {"none", "none", "none", "none", "none", "quarantine", "quarantine", "reject", "pass", "discard"};
        PolicyResult[] results = {PolicyResult.PASS, PolicyResult.PASS, PolicyResult.PASS, PolicyResult.FAIL, PolicyResult.FAIL, null};
        ReportRecord base = ReportFixtures.record(addresses.get(random.nextInt(addresses.size())), 1 + random.nextInt(40),
            Disposition.NONE, PolicyResult.PASS, PolicyResult.PASS, domain);
        PolicyResult dkim = results[random.nextInt(results.length)];
        PolicyResult spf = results[random.nextInt(results.length)];
        PolicyEvaluated evaluated = new PolicyEvaluated(Enumerated.parse(Disposition.class, dispositions[random.nextInt(dispositions.length)]),
            Optional.ofNullable(dkim).map(Enumerated::of), Optional.ofNullable(spf).map(Enumerated::of), List.of());
        SourceIp ip = base.sourceIp();
        return new ReportRecord(ip, base.count(), evaluated, base.headerFrom(), base.envelopeFrom(), base.envelopeTo(), base.dkim(),
            base.spf(), base.extensions());
    }

    private static ReceivedMessage message(Random random, String name, Instant receivedAt) {
        String[] dmarc = {"pass", "pass", "fail", null};
        String result = dmarc[random.nextInt(dmarc.length)];
        MailAuthentication authentication = result == null ? MailAuthentication.UNKNOWN
            : new MailAuthentication(Optional.of(result), Optional.of("reporter.example"), Optional.of("pass"),
                Optional.of("reporter.example"), Optional.of(result), Optional.empty());
        return ReceivedMessage.mail(name, receivedAt).messageId("<" + name + "@reporter.example>").envelopeSender("bounce@reporter.example")
            .recipients(List.of("dmarc-rua@example.com")).authentication(authentication).build();
    }

    private static FailureReport withoutArrivalTime(FailureReport report) {
        return new FailureReport(report.kind(), report.feedbackType(), report.userAgent(), report.version(), report.authFailure(),
            report.identityAlignment(), report.originalMailFrom(), report.originalRcptTo(), Optional.of("sometime yesterday"),
            Optional.empty(), report.sourceIpText(), report.sourceIp(), report.reportedDomain(), report.reportedUri(), report.dkimDomain(),
            report.dkimIdentity(), report.dkimSelector(), report.spfDns(), report.deliveryResult(), report.authenticationResults(),
            report.fields(), report.reportedMessage());
    }
}
