package io.jamesdmarc.storage.testing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.jamesdmarc.model.aggregate.AggregateReport;
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
import io.jamesdmarc.model.failure.ReportedMessage;
import io.jamesdmarc.model.vocabulary.Alignment;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.OverrideType;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;

/** Model objects for storage tests, written in the standard spellings so that they read back equal. */
public final class ReportFixtures {

    private ReportFixtures() {
    }

    /** An RFC 7489 report header with the usual policy (p=none, relaxed alignment). */
    public static AggregateReport header(String org, String email, String reportId, String domain, Instant begin, Instant end) {
        return header(org, email, reportId, domain, begin, end, PolicyAction.NONE);
    }

    public static AggregateReport header(String org, String email, String reportId, String domain, Instant begin, Instant end,
                                         PolicyAction p) {
        ReportMetadata metadata = new ReportMetadata(org, email, Optional.empty(), reportId, new DateRange(begin, end), List.of(),
            Optional.empty());
        PolicyPublished policy = new PolicyPublished(domain, Enumerated.of(Alignment.RELAXED), Enumerated.of(Alignment.RELAXED),
            Enumerated.of(p), Enumerated.of(p), Optional.empty(), Optional.of(100), Optional.of("0"), Optional.empty(),
            Optional.empty(), Optional.empty());
        return new AggregateReport(ReportFormat.RFC7489, Optional.of("1.0"), metadata, policy, List.of());
    }

    /** A record with one DKIM and one SPF result matching the aligned results. */
    public static ReportRecord record(String sourceIp, long count, Disposition disposition, PolicyResult dkim, PolicyResult spf,
                                      String headerFrom) {
        PolicyEvaluated evaluated = new PolicyEvaluated(Enumerated.of(disposition), Optional.of(Enumerated.of(dkim)),
            Optional.of(Enumerated.of(spf)), List.of());
        return new ReportRecord(SourceIp.parse(sourceIp), count, evaluated, Optional.of(headerFrom), Optional.of(headerFrom),
            Optional.empty(),
            List.of(new DkimAuthResult(headerFrom, Optional.of("s1"), Enumerated.of(dkim == PolicyResult.PASS ? DkimResult.PASS : DkimResult.FAIL),
                Optional.empty())),
            List.of(new SpfAuthResult(headerFrom, Optional.of(Enumerated.of(SpfScope.MFROM)),
                Enumerated.of(spf == PolicyResult.PASS ? SpfResult.PASS : SpfResult.SOFTFAIL), Optional.empty())),
            List.of());
    }

    /** Record {@code n} of a large generated report: varied addresses (v4 and v6), results and child rows. */
    public static ReportRecord generatedRecord(int n) {
        String ip = n % 5 == 0 ? "2001:db8::" + Integer.toHexString(n) : "10." + (n >> 16 & 0xff) + "." + (n >> 8 & 0xff) + "." + (n & 0xff);
        PolicyResult dkim = n % 3 == 0 ? PolicyResult.FAIL : PolicyResult.PASS;
        PolicyResult spf = n % 4 == 0 ? PolicyResult.FAIL : PolicyResult.PASS;
        Disposition disposition = dkim == PolicyResult.FAIL && spf == PolicyResult.FAIL ? Disposition.QUARANTINE : Disposition.NONE;
        ReportRecord base = record(ip, 1 + n % 7, disposition, dkim, spf, "example.com");
        if (n % 10 != 0) {
            return base;
        }
        // every tenth record: a second DKIM signature and an override reason, as forwarded mail has
        PolicyEvaluated evaluated = new PolicyEvaluated(base.policyEvaluated().disposition(), base.policyEvaluated().dkim(),
            base.policyEvaluated().spf(), List.of(new PolicyOverrideReason(Enumerated.of(OverrideType.MAILING_LIST), Optional.of("list"))));
        List<DkimAuthResult> dkimResults = List.of(base.dkim().get(0),
            new DkimAuthResult("lists.example.org", Optional.of("k" + n % 3), Enumerated.of(DkimResult.PASS), Optional.empty()));
        return new ReportRecord(base.sourceIp(), base.count(), evaluated, base.headerFrom(), base.envelopeFrom(), base.envelopeTo(),
            dkimResults, base.spf(), base.extensions());
    }

    /** An AFRF failure report about {@code domain} from {@code sourceIp}, arrived at {@code arrival}. */
    public static FailureReport failure(String domain, String sourceIp, Instant arrival, String messageId) {
        String arrivalText = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(arrival.atZone(java.time.ZoneOffset.UTC));
        String headers = "From: someone@" + domain + "\r\nTo: victim@example.net\r\nSubject: Invoice\r\nMessage-ID: " + messageId
            + "\r\nDate: " + arrivalText;
        List<FailureReport.Field> fields = List.of(
            new FailureReport.Field("Feedback-Type", "auth-failure"),
            new FailureReport.Field("User-Agent", "TestReporter/1.0"),
            new FailureReport.Field("Version", "1"),
            new FailureReport.Field("Auth-Failure", "dmarc"),
            new FailureReport.Field("Identity-Alignment", "none"),
            new FailureReport.Field("Original-Mail-From", "<bounce@" + domain + ">"),
            new FailureReport.Field("Original-Rcpt-To", "<victim@example.net>"),
            new FailureReport.Field("Arrival-Date", arrivalText),
            new FailureReport.Field("Source-IP", sourceIp),
            new FailureReport.Field("Reported-Domain", domain),
            new FailureReport.Field("X-Unknown-Field", "kept as written"));
        return new FailureReport(FailureReport.Kind.AFRF, Optional.of("auth-failure"), Optional.of("TestReporter/1.0"), Optional.of("1"),
            Optional.of("dmarc"), Optional.of("none"), Optional.of("<bounce@" + domain + ">"), List.of("<victim@example.net>"),
            Optional.of(arrivalText), Optional.of(arrival), Optional.of(sourceIp), SourceIp.parse(sourceIp).address(),
            Optional.of(domain), List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            List.of("mx.example.net; dmarc=fail header.from=" + domain), fields,
            Optional.of(new ReportedMessage(Optional.of("Invoice"), Optional.of("someone@" + domain), Optional.of("victim@example.net"),
                Optional.of(messageId), Optional.of(arrivalText), headers, false)));
    }
}
