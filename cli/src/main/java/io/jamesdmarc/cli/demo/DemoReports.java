package io.jamesdmarc.cli.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

import com.google.common.net.InetAddresses;

import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.AggregateReportWriter;
import io.jamesdmarc.model.aggregate.DateRange;
import io.jamesdmarc.model.aggregate.DkimAuthResult;
import io.jamesdmarc.model.aggregate.PolicyEvaluated;
import io.jamesdmarc.model.aggregate.PolicyOverrideReason;
import io.jamesdmarc.model.aggregate.PolicyPublished;
import io.jamesdmarc.model.aggregate.ReportFormat;
import io.jamesdmarc.model.aggregate.ReportMetadata;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.aggregate.SourceIp;
import io.jamesdmarc.model.aggregate.SpfAuthResult;
import io.jamesdmarc.model.failure.FailureReport;
import io.jamesdmarc.model.failure.FailureReportBuilder;
import io.jamesdmarc.model.failure.FailureReportWriter;
import io.jamesdmarc.model.vocabulary.Alignment;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.OverrideType;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;
import io.jamesdmarc.model.vocabulary.YesNo;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * Demo data made up here, never copied from real reports: 30 days of DMARC reports about three
 * domains, as google.com, Outlook.com, Yahoo and GMX send them (GMX in the RFC 9990 format), written
 * by the model's own writers as the files and mails a mailbox would receive: gzipped aggregate
 * reports and failure reports in {@code multipart/report} mails.
 *
 * <p>The story they tell, for {@code example.com} ({@code p=quarantine}): the company's own servers
 * and its newsletter provider pass; a university's forwarder breaks SPF but keeps the DKIM
 * signature (pass); a mailing list breaks both and receivers let it through (override reason
 * {@code mailing_list}); a CRM service sends without DKIM and outside the SPF record, failing, until
 * its SPF include is added ten days before the end; spoofers fail both every day, in bursts, and get
 * quarantined or rejected, some of them reported in failure reports. {@code example.org}
 * ({@code p=reject}) is clean but for spoofers; {@code example.net} ({@code p=none}) monitors.
 *
 * <p>Addresses come from the documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
 * 2001:db8::/32) and third parties live under {@code .example}: nothing names a real sender. The
 * same last day and seed give the same reports.
 */
public final class DemoReports {

    /** Days of reports, ending with the last day. */
    public static final int DAYS = 30;

    /** A file as a reporter sends it: a gzipped aggregate report, or a failure report mail. */
    public record DemoFile(String name, byte[] content) {
    }

    /** An aggregate report as generated, before it is written. */
    public record Aggregate(AggregateReport header, List<ReportRecord> records) {
    }

    private record Reporter(String org, String email, ReportFormat format, double share, boolean sendsFailureReports) {
    }

    private static final List<Reporter> REPORTERS = List.of(
        new Reporter("google.com", "noreply-dmarc-support@google.com", ReportFormat.RFC7489, 0.46, false),
        new Reporter("Outlook.com", "dmarcreport@microsoft.com", ReportFormat.RFC7489, 0.28, false),
        new Reporter("Yahoo", "dmarchelp@yahooinc.com", ReportFormat.RFC7489, 0.16, true),
        new Reporter("GMX", "noreply-dmarc@gmx.net", ReportFormat.RFC9990, 0.10, true));

    /** How a kind of sender authenticates. */
    private enum Behaviour {
        /** Own servers: aligned DKIM and SPF. */
        ALIGNED,
        /** A provider signing with the domain's key, bouncing to its own domain: DKIM aligned, SPF passes unaligned. */
        DKIM_ONLY,
        /** A forwarder: the domain's signature survives, SPF fails. */
        FORWARDED,
        /** A mailing list: footer breaks DKIM, SPF fails; receivers override. */
        MAILING_LIST,
        /** A service sending as the domain without its DKIM key, outside SPF until fixed. */
        CRM,
        /** Forgers: no signature of the domain, SPF fails. */
        SPOOFER
    }

    private record Source(String ip, String ptr, Behaviour behaviour, double dailyMessages, String signer, String envelope) {
    }

    private record Domain(String name, PolicyAction policy, List<Source> sources) {
    }

    private static final List<Domain> DOMAINS = List.of(
        new Domain("example.com", PolicyAction.QUARANTINE, List.of(
            new Source("203.0.113.10", "mx1.example.com", Behaviour.ALIGNED, 5200, "example.com", "example.com"),
            new Source("203.0.113.11", "mx2.example.com", Behaviour.ALIGNED, 3900, "example.com", "example.com"),
            new Source("2001:db8:10::25", "mx6.example.com", Behaviour.ALIGNED, 900, "example.com", "example.com"),
            new Source("198.51.100.21", "o21.mailout.newsletter-esp.example", Behaviour.DKIM_ONLY, 2100, "example.com",
                "bounces.newsletter-esp.example"),
            new Source("198.51.100.22", "o22.mailout.newsletter-esp.example", Behaviour.DKIM_ONLY, 1700, "example.com",
                "bounces.newsletter-esp.example"),
            new Source("192.0.2.55", "mx.university.example", Behaviour.FORWARDED, 140, "example.com", "example.com"),
            new Source("2001:db8:25::17", "lists.opensource.example", Behaviour.MAILING_LIST, 60, "lists.opensource.example",
                "lists.opensource.example"),
            new Source("198.51.100.77", "out.crm-cloud.example", Behaviour.CRM, 420, "crm-cloud.example", "example.com"),
            new Source("203.0.113.200", null, Behaviour.SPOOFER, 90, null, "example.com"),
            new Source("203.0.113.201", null, Behaviour.SPOOFER, 55, null, "example.com"),
            new Source("192.0.2.201", "static-201.dsl.isp.example", Behaviour.SPOOFER, 35, null, "example.com"),
            new Source("2001:db8:bad::66", null, Behaviour.SPOOFER, 20, null, "example.com"))),
        new Domain("example.org", PolicyAction.REJECT, List.of(
            new Source("203.0.113.30", "mail.example.org", Behaviour.ALIGNED, 1800, "example.org", "example.org"),
            new Source("2001:db8:365::a", "outbound-1.hosted-mail.example", Behaviour.ALIGNED, 1100, "example.org", "example.org"),
            new Source("198.51.100.23", "o23.mailout.newsletter-esp.example", Behaviour.DKIM_ONLY, 600, "example.org",
                "bounces.newsletter-esp.example"),
            new Source("203.0.113.202", null, Behaviour.SPOOFER, 70, null, "example.org"),
            new Source("192.0.2.202", "host-202.cloud-vps.example", Behaviour.SPOOFER, 30, null, "example.org"))),
        new Domain("example.net", PolicyAction.NONE, List.of(
            new Source("203.0.113.40", "smtp.example.net", Behaviour.ALIGNED, 700, "example.net", "example.net"),
            new Source("198.51.100.90", "mta.shop-platform.example", Behaviour.CRM, 260, "shop-platform.example", "example.net"),
            new Source("192.0.2.56", "mx.university.example", Behaviour.FORWARDED, 40, "example.net", "example.net"),
            new Source("203.0.113.203", null, Behaviour.SPOOFER, 25, null, "example.net"))));

    /** The CRM's SPF include is added this many days before the last day. */
    private static final int CRM_FIXED_DAYS_BEFORE_END = 10;

    private final LocalDate lastDay;
    private final List<Aggregate> aggregates = new ArrayList<>();
    private final List<FailureReport> failures = new ArrayList<>();
    private final List<DemoFile> files = new ArrayList<>();

    private DemoReports(LocalDate lastDay) {
        this.lastDay = lastDay;
    }

    /** The demo's reports for the {@value #DAYS} days ending with {@code lastDay}. */
    public static DemoReports generate(LocalDate lastDay, long seed) {
        DemoReports demo = new DemoReports(lastDay);
        SplittableRandom random = new SplittableRandom(seed);
        for (int dayIndex = 0; dayIndex < DAYS; dayIndex++) {
            LocalDate day = lastDay.minusDays(DAYS - 1L - dayIndex);
            boolean crmFixed = dayIndex >= DAYS - CRM_FIXED_DAYS_BEFORE_END;
            // a forgery campaign on a few days
            double spoofing = dayIndex % 9 == 4 ? 6 : dayIndex % 9 == 5 ? 3 : 1;
            double weekday = switch (day.getDayOfWeek()) {
                case SATURDAY -> 0.45;
                case SUNDAY -> 0.4;
                default -> 1.0;
            };
            for (Domain domain : DOMAINS) {
                for (Reporter reporter : REPORTERS) {
                    demo.aggregate(random, day, domain, reporter, weekday, spoofing, crmFixed);
                }
                demo.failureReports(random, day, domain, spoofing);
            }
        }
        return demo;
    }

    public LocalDate lastDay() {
        return lastDay;
    }

    public LocalDate firstDay() {
        return lastDay.minusDays(DAYS - 1L);
    }

    /** The aggregate reports, in the order their files come. */
    public List<Aggregate> aggregates() {
        return List.copyOf(aggregates);
    }

    public List<FailureReport> failures() {
        return List.copyOf(failures);
    }

    /** Every report as the file a reporter sends. */
    public List<DemoFile> files() {
        return List.copyOf(files);
    }

    /** The reverse DNS names of the demo's sources (those that have one). */
    public static Map<InetAddress, String> reverseNames() {
        Map<InetAddress, String> names = new LinkedHashMap<>();
        for (Domain domain : DOMAINS) {
            for (Source source : domain.sources()) {
                if (source.ptr() != null) {
                    names.put(InetAddresses.forString(source.ip()), source.ptr());
                }
            }
        }
        return names;
    }

    /** The demo's domains, busiest first. */
    public static List<String> domains() {
        return DOMAINS.stream().map(Domain::name).toList();
    }

    private void aggregate(SplittableRandom random, LocalDate day, Domain domain, Reporter reporter, double weekday, double spoofing,
                           boolean crmFixed) {
        Instant begin = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        DateRange range = new DateRange(begin, begin.plusSeconds(86_399));
        boolean rfc9990 = reporter.format() == ReportFormat.RFC9990;
        String reportId = reporter.org().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "") + "-" + domain.name() + "-"
            + day.toString().replace("-", "") + "-" + Long.toHexString(random.nextLong() & 0xffffffffL);
        ReportMetadata metadata = new ReportMetadata(reporter.org(), reporter.email(), Optional.empty(), reportId, range, List.of(),
            rfc9990 ? Optional.of("demo generator of james-dmarc") : Optional.empty());
        PolicyPublished policy = new PolicyPublished(domain.name(), Enumerated.of(Alignment.RELAXED), Enumerated.of(Alignment.RELAXED),
            Enumerated.of(domain.policy()), Enumerated.of(domain.policy()),
            rfc9990 ? Optional.of(Enumerated.of(domain.policy())) : Optional.empty(),
            rfc9990 ? Optional.empty() : Optional.of(100), Optional.of("1"),
            rfc9990 ? Optional.of(Enumerated.of(YesNo.NO)) : Optional.empty(),
            rfc9990 ? Optional.of(Enumerated.of(DiscoveryMethod.TREEWALK)) : Optional.empty(), Optional.empty());
        AggregateReport header = new AggregateReport(reporter.format(), Optional.of(reporter.format().version()), metadata, policy, List.of());

        List<ReportRecord> records = new ArrayList<>();
        for (Source source : domain.sources()) {
            double expected = source.dailyMessages() * reporter.share()
                * (source.behaviour() == Behaviour.SPOOFER ? spoofing : weekday);
            long count = Math.round(expected * (0.8 + 0.4 * random.nextDouble()));
            if (count == 0) {
                continue;
            }
            records.addAll(records(random, domain, source, reporter, count, crmFixed));
        }
        aggregates.add(new Aggregate(header, records));
        String name = reporter.org().toLowerCase(java.util.Locale.ROOT) + "!" + domain.name() + "!" + range.begin().getEpochSecond() + "!"
            + range.end().getEpochSecond() + (rfc9990 ? "!" + reportId : "") + ".xml.gz";
        files.add(new DemoFile(name, gzippedXml(reporter.format(), header, records)));
    }

    private List<ReportRecord> records(SplittableRandom random, Domain domain, Source source, Reporter reporter, long count,
                                       boolean crmFixed) {
        boolean rfc9990 = reporter.format() == ReportFormat.RFC9990;
        String from = domain.name();
        SourceIp ip = SourceIp.of(InetAddresses.forString(source.ip()));
        Disposition failed = switch (domain.policy()) {
            case REJECT -> Disposition.REJECT;
            case QUARANTINE -> Disposition.QUARANTINE;
            default -> Disposition.NONE;
        };
        Disposition passed = rfc9990 ? Disposition.PASS : Disposition.NONE;
        List<ReportRecord> records = new ArrayList<>();
        switch (source.behaviour()) {
            case ALIGNED -> records.add(record(ip, count, passed, PolicyResult.PASS, PolicyResult.PASS, List.of(), from, source.envelope(),
                List.of(dkim(source.signer(), "s2026", DkimResult.PASS)), spf(source.envelope(), SpfResult.PASS)));
            case DKIM_ONLY -> records.add(record(ip, count, passed, PolicyResult.PASS, PolicyResult.FAIL, List.of(), from, source.envelope(),
                List.of(dkim(source.signer(), "esp1", DkimResult.PASS), dkim("newsletter-esp.example", "k1", DkimResult.PASS)),
                spf(source.envelope(), SpfResult.PASS)));
            case FORWARDED -> records.add(record(ip, count, passed, PolicyResult.PASS, PolicyResult.FAIL,
                rfc9990 ? List.of() : List.of(reason(OverrideType.FORWARDED, "known forwarder")), from, source.envelope(),
                List.of(dkim(source.signer(), "s2026", DkimResult.PASS)), spf(source.envelope(), SpfResult.FAIL)));
            case MAILING_LIST -> {
                long overridden = Math.max(1, Math.round(count * 0.85));
                records.add(record(ip, overridden, Disposition.NONE, PolicyResult.FAIL, PolicyResult.FAIL,
                    List.of(reason(OverrideType.MAILING_LIST, "list rewrites the body")), from, source.envelope(),
                    List.of(dkim(from, "s2026", DkimResult.FAIL), dkim(source.signer(), "list", DkimResult.PASS)),
                    spf(source.envelope(), SpfResult.PASS)));
                if (count > overridden) {
                    records.add(record(ip, count - overridden, failed, PolicyResult.FAIL, PolicyResult.FAIL, List.of(), from,
                        source.envelope(), List.of(dkim(from, "s2026", DkimResult.FAIL)), spf(source.envelope(), SpfResult.PASS)));
                }
            }
            case CRM -> records.add(crmFixed
                ? record(ip, count, passed, PolicyResult.FAIL, PolicyResult.PASS, List.of(), from, source.envelope(),
                    List.of(dkim(source.signer(), "crm", DkimResult.PASS)), spf(source.envelope(), SpfResult.PASS))
                : record(ip, count, failed, PolicyResult.FAIL, PolicyResult.FAIL, List.of(), from, source.envelope(),
                    List.of(dkim(source.signer(), "crm", DkimResult.PASS)), spf(source.envelope(), SpfResult.SOFTFAIL)));
            case SPOOFER -> {
                // most are held back by the policy; a share slips through on the receivers' local policy
                long let = domain.policy() == PolicyAction.NONE ? 0 : Math.round(count * 0.1 * random.nextDouble());
                records.add(record(ip, count - let, failed, PolicyResult.FAIL, PolicyResult.FAIL, List.of(), from, source.envelope(),
                    List.of(), spf(source.envelope(), random.nextInt(3) == 0 ? SpfResult.SOFTFAIL : SpfResult.FAIL)));
                if (let > 0) {
                    records.add(record(ip, let, Disposition.NONE, PolicyResult.FAIL, PolicyResult.FAIL,
                        List.of(reason(OverrideType.LOCAL_POLICY, "sender allow-listed by a user")), from, source.envelope(),
                        List.of(), spf(source.envelope(), SpfResult.FAIL)));
                }
            }
            default -> throw new IllegalStateException("unknown behaviour " + source.behaviour());
        }
        return records;
    }

    private void failureReports(SplittableRandom random, LocalDate day, Domain domain, double spoofing) {
        List<Source> spoofers = domain.sources().stream().filter(source -> source.behaviour() == Behaviour.SPOOFER).toList();
        int reports = (int) Math.round(spoofing * (domain.policy() == PolicyAction.NONE ? 0.3 : 0.8) * random.nextDouble() * 2);
        for (int i = 0; i < reports; i++) {
            Source source = spoofers.get(random.nextInt(spoofers.size()));
            Reporter reporter = REPORTERS.get(2 + random.nextInt(2));
            Instant arrival = day.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(random.nextInt(86_400));
            String messageId = "<" + Long.toHexString(random.nextLong()) + "@" + domain.name() + ">";
            String subject = SUBJECTS[random.nextInt(SUBJECTS.length)];
            String headers = "Received: from unknown (HELO " + domain.name() + ") (" + source.ip() + ")\r\n"
                + "From: \"" + domain.name() + " Billing\" <billing@" + domain.name() + ">\r\n"
                + "To: <someone@mail.example>\r\n"
                + "Subject: " + subject + "\r\n"
                + "Message-ID: " + messageId + "\r\n"
                + "Date: " + java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(arrival.atZone(ZoneOffset.UTC)) + "\r\n";
            FailureReport report = FailureReportBuilder.dmarcFailure()
                .userAgent(reporter.org() + " DMARC failure reporter")
                .identityAlignment("spf")
                .authenticationResults("mx." + reporter.org().toLowerCase(java.util.Locale.ROOT) + "; dmarc=fail header.from=" + domain.name()
                    + "; spf=fail smtp.mailfrom=" + domain.name())
                .originalMailFrom("<billing@" + domain.name() + ">")
                .originalRcptTo("<someone@mail.example>")
                .arrivalDate(arrival)
                .sourceIp(InetAddresses.forString(source.ip()))
                .reportedDomain(domain.name())
                .spfDns("txt : " + domain.name() + " : v=spf1 ip4:203.0.113.0/24 include:_spf.newsletter-esp.example -all")
                .deliveryResult(domain.policy() == PolicyAction.REJECT ? "reject" : domain.policy() == PolicyAction.QUARANTINE ? "spam" : "delivered")
                .reportedHeaders(headers)
                .build();
            failures.add(report);
            files.add(new DemoFile("ruf-" + domain.name() + "-" + day + "-" + (i + 1) + ".eml", failureMail(reporter, report, arrival)));
        }
    }

    private static final String[] SUBJECTS = {
        "Invoice #48213 overdue", "Your account will be suspended", "Payment confirmation", "Shared document: Q3 figures",
        "Action required: verify your mailbox"};

    private static ReportRecord record(SourceIp ip, long count, Disposition disposition, PolicyResult dkim, PolicyResult spf,
                                       List<PolicyOverrideReason> reasons, String headerFrom, String envelopeFrom,
                                       List<DkimAuthResult> dkimResults, SpfAuthResult spfResult) {
        PolicyEvaluated evaluated = new PolicyEvaluated(Enumerated.of(disposition), Optional.of(Enumerated.of(dkim)),
            Optional.of(Enumerated.of(spf)), reasons);
        return new ReportRecord(ip, count, evaluated, Optional.of(headerFrom), Optional.of(envelopeFrom), Optional.empty(), dkimResults,
            List.of(spfResult), List.of());
    }

    private static DkimAuthResult dkim(String domain, String selector, DkimResult result) {
        return new DkimAuthResult(domain, Optional.of(selector), Enumerated.of(result), Optional.empty());
    }

    private static SpfAuthResult spf(String domain, SpfResult result) {
        return new SpfAuthResult(domain, Optional.of(Enumerated.of(SpfScope.MFROM)), Enumerated.of(result), Optional.empty());
    }

    private static PolicyOverrideReason reason(OverrideType type, String comment) {
        return new PolicyOverrideReason(Enumerated.of(type), Optional.of(comment));
    }

    private static byte[] gzippedXml(ReportFormat format, AggregateReport header, List<ReportRecord> records) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            AggregateReportWriter.write(gzip, format, header, records);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] failureMail(Reporter reporter, FailureReport report, Instant arrival) {
        try {
            MimeMessage mail = new MimeMessage(Session.getInstance(new Properties()));
            mail.setFrom(new InternetAddress(reporter.email()));
            mail.setRecipients(jakarta.mail.Message.RecipientType.TO, "dmarc-ruf@" + report.reportedDomain().orElseThrow());
            mail.setSubject("DMARC failure report for " + report.reportedDomain().orElseThrow());
            mail.setSentDate(java.util.Date.from(arrival.plusSeconds(600)));
            mail.setContent(new FailureReportWriter().write(report));
            mail.saveChanges();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            mail.writeTo(bytes);
            return bytes.toByteArray();
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("the demo failure report could not be written", e);
        }
    }
}
