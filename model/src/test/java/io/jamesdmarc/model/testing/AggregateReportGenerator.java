package io.jamesdmarc.model.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.SplittableRandom;

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

/**
 * Realistic aggregate reports of any size, for tests and benchmarks of every module (model
 * test-jar). Shaped like a large mailbox provider's daily report: mostly IPv4 with a share of
 * IPv6, counts mostly small with a long tail, one to three DKIM signatures (sender, ESP, forwarder
 * re-signing), SPF for helo and mfrom (mfrom only in RFC 9990), human results and override
 * reasons now and then. 200,000 records come to about 146 MB of XML.
 *
 * <p>Deterministic: the same seed gives the same report. Records are made one at a time as they
 * are written, so a report of any size costs no memory.
 */
public final class AggregateReportGenerator {

    private static final String[] ESP_DOMAINS = {
        "mail.esp-one.example", "bounces.mailer-two.example", "em.newsletter-three.example", "ses.cloud-four.example",
        "mta.crm-five.example", "out.relay-six.example"};
    private static final String[] SENDER_SUBDOMAINS = {"", "", "", "mail.", "news.", "shop."};
    private static final String[] SELECTORS = {"google", "selector1", "selector2", "s1", "s2", "k1", "dkim", "mx", "20230601", "default"};
    private static final String[] DKIM_HUMAN_RESULTS = {
        "signature verified", "body hash did not verify", "key not found in DNS", "signature expired"};
    private static final String[] REASON_COMMENTS = {
        "arc=pass as.1.google.com=pass", "known forwarder", "mailing list rewrite", "local allow list"};

    private final SplittableRandom random;
    private final ReportFormat format;
    private final String policyDomain;

    public AggregateReportGenerator(long seed, ReportFormat format) {
        this(seed, format, "sender.example");
    }

    public AggregateReportGenerator(long seed, ReportFormat format, String policyDomain) {
        this.random = new SplittableRandom(seed);
        this.format = format;
        this.policyDomain = policyDomain;
    }

    /** A header for one UTC day of the policy domain, with a new report id each call. */
    public AggregateReport header() {
        LocalDate day = LocalDate.of(2026, 5, 1).plusDays(random.nextInt(365));
        Instant begin = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        DateRange range = new DateRange(begin, begin.plusSeconds(86_399));
        boolean rfc9990 = format == ReportFormat.RFC9990;
        ReportMetadata metadata = new ReportMetadata("Receiver Example Mail", "noreply-dmarc-support@receiver.example",
            Optional.of("https://receiver.example/dmarc-support"), Long.toUnsignedString(random.nextLong()), range, List.of(),
            rfc9990 ? Optional.of("james-dmarc test generator") : Optional.empty());
        Enumerated<PolicyAction> p = Enumerated.of(PolicyAction.QUARANTINE);
        PolicyPublished policy = new PolicyPublished(policyDomain, Enumerated.of(Alignment.RELAXED), Enumerated.of(Alignment.RELAXED),
            p, Enumerated.of(PolicyAction.REJECT),
            rfc9990 ? Optional.of(Enumerated.of(PolicyAction.REJECT)) : Optional.empty(),
            rfc9990 ? Optional.empty() : Optional.of(100),
            Optional.of("0"),
            rfc9990 ? Optional.of(Enumerated.of(YesNo.NO)) : Optional.empty(),
            rfc9990 ? Optional.of(Enumerated.of(DiscoveryMethod.TREEWALK)) : Optional.empty(),
            Optional.empty());
        return new AggregateReport(format, Optional.of(format.version()), metadata, policy, List.of());
    }

    /** {@code count} records, made as they are asked for. */
    public Iterator<ReportRecord> records(long count) {
        return new Iterator<>() {
            private long made;

            @Override
            public boolean hasNext() {
                return made < count;
            }

            @Override
            public ReportRecord next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                made++;
                return record();
            }
        };
    }

    /** A whole report of {@code records} records, written to {@code out} (closed after). */
    public void writeReport(OutputStream out, long records) throws IOException {
        try (AggregateReportWriter writer = AggregateReportWriter.open(out, format, header())) {
            writer.writeAll(records(records));
        }
    }

    /** One record. */
    public ReportRecord record() {
        String headerFrom = SENDER_SUBDOMAINS[random.nextInt(SENDER_SUBDOMAINS.length)] + policyDomain;
        boolean viaEsp = random.nextInt(100) < 14;
        String esp = ESP_DOMAINS[random.nextInt(ESP_DOMAINS.length)];
        String envelopeFrom = viaEsp ? esp : "bounces." + policyDomain;

        List<DkimAuthResult> dkim = new ArrayList<>(3);
        boolean senderSigned = random.nextInt(100) < 82;
        boolean senderPass = senderSigned && random.nextInt(100) < 90;
        if (senderSigned) {
            dkim.add(dkimResult(headerFrom, senderPass ? DkimResult.PASS : DkimResult.FAIL));
        }
        if (viaEsp || random.nextInt(100) < 5) {
            dkim.add(dkimResult(esp, random.nextInt(100) < 95 ? DkimResult.PASS : DkimResult.TEMPERROR));
        }
        if (random.nextInt(100) < 4) {
            dkim.add(dkimResult("forwarder" + random.nextInt(50) + ".example", DkimResult.PASS));
        }

        SpfResult mfromResult = pick(SpfResult.PASS, 80, SpfResult.SOFTFAIL, 10, SpfResult.FAIL, 6, SpfResult.NONE);
        List<SpfAuthResult> spf = new ArrayList<>(2);
        if (format == ReportFormat.RFC7489 && random.nextInt(100) < 12) {
            spf.add(new SpfAuthResult("mx" + random.nextInt(20) + "." + esp, Optional.of(Enumerated.of(SpfScope.HELO)),
                Enumerated.of(SpfResult.PASS), Optional.empty()));
        }
        spf.add(new SpfAuthResult(envelopeFrom, Optional.of(Enumerated.of(SpfScope.MFROM)), Enumerated.of(mfromResult),
            format == ReportFormat.RFC9990 && random.nextInt(100) < 15 ? Optional.of("ip4 match in include") : Optional.empty()));

        boolean dkimAligned = senderPass;
        boolean spfAligned = !viaEsp && mfromResult == SpfResult.PASS;
        boolean dmarcPass = dkimAligned || spfAligned;
        List<PolicyOverrideReason> reasons = List.of();
        Disposition disposition = Disposition.NONE;
        if (!dmarcPass) {
            if (random.nextInt(100) < 30) {
                OverrideType type = format == ReportFormat.RFC7489 && random.nextBoolean()
                    ? OverrideType.FORWARDED
                    : pick(OverrideType.LOCAL_POLICY, 50, OverrideType.MAILING_LIST, 30, OverrideType.TRUSTED_FORWARDER, 20, OverrideType.OTHER);
                reasons = List.of(new PolicyOverrideReason(Enumerated.of(type),
                    Optional.of(REASON_COMMENTS[random.nextInt(REASON_COMMENTS.length)])));
            } else {
                disposition = Disposition.QUARANTINE;
            }
        } else if (format == ReportFormat.RFC9990 && random.nextInt(100) < 50) {
            disposition = Disposition.PASS;
        }
        PolicyEvaluated evaluated = new PolicyEvaluated(Enumerated.of(disposition),
            Optional.of(Enumerated.of(dkimAligned ? PolicyResult.PASS : PolicyResult.FAIL)),
            Optional.of(Enumerated.of(spfAligned ? PolicyResult.PASS : PolicyResult.FAIL)), reasons);

        Optional<String> envelopeTo = random.nextInt(100) < 15
            ? Optional.of(random.nextInt(100) < 80 ? "receiver.example" : "alias" + random.nextInt(9) + ".receiver.example")
            : Optional.empty();
        return new ReportRecord(sourceIp(), count(), evaluated, Optional.of(headerFrom), Optional.of(envelopeFrom), envelopeTo,
            dkim, spf, List.of());
    }

    private DkimAuthResult dkimResult(String domain, DkimResult result) {
        Optional<String> human = random.nextInt(100) < 12
            ? Optional.of(DKIM_HUMAN_RESULTS[result == DkimResult.PASS ? 0 : 1 + random.nextInt(DKIM_HUMAN_RESULTS.length - 1)])
            : Optional.empty();
        return new DkimAuthResult(domain, Optional.of(SELECTORS[random.nextInt(SELECTORS.length)]), Enumerated.of(result), human);
    }

    /** Mostly IPv4 from anywhere, a fifth IPv6 (documentation prefix). */
    private SourceIp sourceIp() {
        byte[] bytes;
        if (random.nextInt(100) < 80) {
            bytes = new byte[] {(byte) (1 + random.nextInt(223)), (byte) random.nextInt(256), (byte) random.nextInt(256),
                (byte) (1 + random.nextInt(254))};
        } else {
            bytes = new byte[16];
            bytes[0] = 0x20;
            bytes[1] = 0x01;
            bytes[2] = 0x0d;
            bytes[3] = (byte) 0xb8;
            for (int i = 4; i < 16; i++) {
                // sparse groups, as real allocations are, so that some addresses compress
                bytes[i] = i < 8 || i >= 14 || random.nextInt(4) == 0 ? (byte) random.nextInt(256) : 0;
            }
        }
        try {
            return SourceIp.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private long count() {
        int roll = random.nextInt(100);
        if (roll < 70) {
            return 1;
        }
        if (roll < 90) {
            return 2 + random.nextInt(9);
        }
        if (roll < 99) {
            return 11 + random.nextInt(190);
        }
        return 201 + random.nextInt(4800);
    }

    private <T> T pick(T first, int firstPercent, T second, int secondPercent, T third, int thirdPercent, T otherwise) {
        int roll = random.nextInt(100);
        if (roll < firstPercent) {
            return first;
        }
        if (roll < firstPercent + secondPercent) {
            return second;
        }
        if (roll < firstPercent + secondPercent + thirdPercent) {
            return third;
        }
        return otherwise;
    }
}
