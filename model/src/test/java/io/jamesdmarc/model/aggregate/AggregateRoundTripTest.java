package io.jamesdmarc.model.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.xml.validation.Schema;

import com.google.common.io.ByteSource;

import io.jamesdmarc.model.testing.AggregateSchemas;
import io.jamesdmarc.model.testing.Corpus;
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
import io.jamesdmarc.model.vocabulary.Vocabulary;
import io.jamesdmarc.model.vocabulary.YesNo;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * What the writer writes, the reader reads back equal, in both formats; and where the corpus and
 * its schemas are present, every generated report validates against its schema. The generated
 * reports hold what each format can carry (RFC 9990: one SPF result, DKIM selectors; RFC 7489: at
 * least one SPF result with its scope, a pct and an fo), with text of any legal character, markup
 * characters and carriage returns included.
 */
class AggregateRoundTripTest {

    private static Schema rfc9990;
    private static Schema rfc7489;

    private final AggregateReportReader reader = AggregateReportReader.withDefaultLimits();

    record Generated(AggregateReport header, List<ReportRecord> records) {
    }

    @BeforeContainer
    static void loadSchemas() {
        Corpus.find().ifPresent(corpus -> {
            rfc9990 = AggregateSchemas.rfc9990(corpus);
            rfc7489 = AggregateSchemas.rfc7489Repaired(corpus);
        });
    }

    @Property(tries = 150)
    void rfc9990ReportsReadBackEqual(@ForAll("rfc9990Reports") Generated report) throws Exception {
        roundTrip(ReportFormat.RFC9990, report, rfc9990);
    }

    @Property(tries = 150)
    void rfc7489ReportsReadBackEqual(@ForAll("rfc7489Reports") Generated report) throws Exception {
        roundTrip(ReportFormat.RFC7489, report, rfc7489);
    }

    private void roundTrip(ReportFormat format, Generated report, Schema schema) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AggregateReportWriter.write(out, format, report.header(), report.records());
        byte[] xml = out.toByteArray();

        if (schema != null) {
            AggregateReportWriterTest.validate(schema, xml);
        }
        ParsedAggregateReport back = reader.readAll(ByteSource.wrap(xml));
        assertThat(back.report()).isEqualTo(report.header());
        assertThat(back.summary().warnings()).isEmpty();
        if (format == ReportFormat.RFC9990) {
            assertThat(back.records()).isEqualTo(report.records());
        } else {
            // RFC 7489 output spells IPv6 in full: the same addresses, written another way
            assertThat(back.records().stream().map(AggregateRoundTripTest::canonicalIp).toList())
                .isEqualTo(report.records());
        }
    }

    private static ReportRecord canonicalIp(ReportRecord record) {
        return new ReportRecord(SourceIp.of(record.sourceIp().address().orElseThrow()), record.count(),
            record.policyEvaluated(), record.headerFrom(), record.envelopeFrom(), record.envelopeTo(), record.dkim(),
            record.spf(), record.extensions());
    }

    @Provide
    Arbitrary<Generated> rfc9990Reports() {
        return reports(ReportFormat.RFC9990);
    }

    @Provide
    Arbitrary<Generated> rfc7489Reports() {
        return reports(ReportFormat.RFC7489);
    }

    private Arbitrary<Generated> reports(ReportFormat format) {
        return Combinators.combine(header(format), record(format).list().ofMinSize(1).ofMaxSize(8)).as(Generated::new);
    }

    // ---------------------------------------------------------------- header

    private Arbitrary<AggregateReport> header(ReportFormat format) {
        boolean rfc9990 = format == ReportFormat.RFC9990;
        Arbitrary<List<String>> extensions = rfc9990
            ? Arbitraries.of(List.<String>of(), List.of("<extension><gen:note xmlns:gen=\"urn:example:gen\" n=\"1\">a &amp; b</gen:note></extension>"))
            : Arbitraries.just(List.of());
        return Combinators.combine(metadata(rfc9990), policy(rfc9990), extensions)
            .as((metadata, policy, ext) -> new AggregateReport(format, Optional.of("1.0"), metadata, policy, ext));
    }

    private Arbitrary<ReportMetadata> metadata(boolean rfc9990) {
        Arbitrary<Instant> begin = Arbitraries.longs().between(0, 4_000_000_000L).map(Instant::ofEpochSecond);
        return Builders.withBuilder(() -> new MetadataBuilder())
            .use(text().ofMinLength(0).ofMaxLength(30).map(String::strip)).in((b, v) -> {
                b.orgName = v;
                return b;
            })
            .use(text().ofMinLength(0).ofMaxLength(30).map(String::strip)).in((b, v) -> {
                b.email = v;
                return b;
            })
            .use(optionalText()).in((b, v) -> {
                b.extra = v;
                return b;
            })
            .use(text().ofMinLength(1).ofMaxLength(40).map(String::strip).filter(id -> !id.isEmpty())).in((b, v) -> {
                b.reportId = v;
                return b;
            })
            .use(begin).in((b, v) -> {
                b.begin = v;
                return b;
            })
            .use(Arbitraries.longs().between(0, 31 * 86_400L)).in((b, v) -> {
                b.length = v;
                return b;
            })
            .use(optionalText().list().ofMaxSize(rfc9990 ? 1 : 3)).in((b, v) -> {
                b.errors = v.stream().flatMap(Optional::stream).toList();
                return b;
            })
            .use(rfc9990 ? optionalText() : Arbitraries.just(Optional.<String>empty())).in((b, v) -> {
                b.generator = v;
                return b;
            })
            .build(MetadataBuilder::build);
    }

    private static final class MetadataBuilder {
        String orgName;
        String email;
        Optional<String> extra;
        String reportId;
        Instant begin;
        long length;
        List<String> errors;
        Optional<String> generator;

        ReportMetadata build() {
            return new ReportMetadata(orgName, email, extra, reportId, new DateRange(begin, begin.plusSeconds(length)),
                errors, generator);
        }
    }

    private Arbitrary<PolicyPublished> policy(boolean rfc9990) {
        Arbitrary<Enumerated<PolicyAction>> action = known(PolicyAction.class);
        return Builders.withBuilder(() -> new PolicyBuilder())
            .use(domain()).in((b, v) -> {
                b.domain = v;
                return b;
            })
            .use(known(Alignment.class)).in((b, v) -> {
                b.adkim = v;
                return b;
            })
            .use(known(Alignment.class)).in((b, v) -> {
                b.aspf = v;
                return b;
            })
            .use(action).in((b, v) -> {
                b.p = v;
                return b;
            })
            .use(action).in((b, v) -> {
                b.sp = v;
                return b;
            })
            .use(rfc9990 ? action.optional() : Arbitraries.just(Optional.<Enumerated<PolicyAction>>empty())).in((b, v) -> {
                b.np = v;
                return b;
            })
            .use(rfc9990 ? Arbitraries.just(Optional.<Integer>empty()) : Arbitraries.integers().between(0, 100).map(Optional::of)).in((b, v) -> {
                b.pct = v;
                return b;
            })
            .use(rfc9990 ? Arbitraries.of("0", "1", "d", "s", "0:1:d:s").optional() : Arbitraries.of("0", "1", "d:s").map(Optional::of)).in((b, v) -> {
                b.fo = v;
                return b;
            })
            .use(rfc9990 ? known(YesNo.class).optional() : Arbitraries.just(Optional.<Enumerated<YesNo>>empty())).in((b, v) -> {
                b.testing = v;
                return b;
            })
            .use(rfc9990 ? known(DiscoveryMethod.class).optional() : Arbitraries.just(Optional.<Enumerated<DiscoveryMethod>>empty())).in((b, v) -> {
                b.discovery = v;
                return b;
            })
            .build(PolicyBuilder::build);
    }

    private static final class PolicyBuilder {
        String domain;
        Enumerated<Alignment> adkim;
        Enumerated<Alignment> aspf;
        Enumerated<PolicyAction> p;
        Enumerated<PolicyAction> sp;
        Optional<Enumerated<PolicyAction>> np;
        Optional<Integer> pct;
        Optional<String> fo;
        Optional<Enumerated<YesNo>> testing;
        Optional<Enumerated<DiscoveryMethod>> discovery;

        PolicyPublished build() {
            return new PolicyPublished(domain, adkim, aspf, p, sp, np, pct, fo, testing, discovery, Optional.empty());
        }
    }

    // ---------------------------------------------------------------- records

    private Arbitrary<ReportRecord> record(ReportFormat format) {
        boolean rfc9990 = format == ReportFormat.RFC9990;
        Arbitrary<Disposition> dispositions = rfc9990
            ? Arbitraries.of(Disposition.class)
            : Arbitraries.of(Disposition.NONE, Disposition.QUARANTINE, Disposition.REJECT);
        Arbitrary<OverrideType> overrides = rfc9990
            ? Arbitraries.of(OverrideType.TRUSTED_FORWARDER, OverrideType.MAILING_LIST, OverrideType.LOCAL_POLICY,
                OverrideType.OTHER, OverrideType.POLICY_TEST_MODE)
            : Arbitraries.of(OverrideType.FORWARDED, OverrideType.SAMPLED_OUT, OverrideType.TRUSTED_FORWARDER,
                OverrideType.MAILING_LIST, OverrideType.LOCAL_POLICY, OverrideType.OTHER);
        Arbitrary<PolicyOverrideReason> reason = Combinators.combine(overrides.map(Enumerated::of), optionalText())
            .as(PolicyOverrideReason::new);
        Arbitrary<PolicyEvaluated> evaluated = Combinators.combine(dispositions.map(Enumerated::of),
                known(PolicyResult.class), known(PolicyResult.class), reason.list().ofMaxSize(2))
            .as((disposition, dkim, spf, reasons) -> new PolicyEvaluated(disposition, Optional.of(dkim), Optional.of(spf), reasons));
        Arbitrary<DkimAuthResult> dkim = Combinators.combine(domain(),
                rfc9990 ? selector().map(Optional::of) : selector().optional(),
                known(DkimResult.class), optionalText())
            .as(DkimAuthResult::new);
        Arbitrary<SpfResult> spfResults = rfc9990
            ? Arbitraries.of(SpfResult.class)
            : Arbitraries.of(SpfResult.class).filter(result -> result != SpfResult.POLICY);
        Arbitrary<SpfAuthResult> spf = rfc9990
            ? Combinators.combine(domain(), Arbitraries.of(SpfScope.MFROM).map(Enumerated::of).optional(),
                spfResults.map(Enumerated::of), optionalText()).as(SpfAuthResult::new)
            : Combinators.combine(domain(), known(SpfScope.class).map(Optional::of), spfResults.map(Enumerated::of))
                .as((domain, scope, result) -> new SpfAuthResult(domain, scope, result, Optional.empty()));
        Arbitrary<List<String>> extensions = rfc9990
            ? Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12)
                .map(text -> "<gen:tag xmlns:gen=\"urn:example:gen\" k=\"" + text + "\">" + text + "</gen:tag>")
                .list().ofMaxSize(2)
            : Arbitraries.just(List.of());
        return Builders.withBuilder(() -> new RecordBuilder())
            .use(sourceIp()).in((b, v) -> {
                b.ip = v;
                return b;
            })
            .use(Arbitraries.longs().between(0, Long.MAX_VALUE / 16)).in((b, v) -> {
                b.count = v;
                return b;
            })
            .use(evaluated).in((b, v) -> {
                b.evaluated = v;
                return b;
            })
            .use(domain()).in((b, v) -> {
                b.headerFrom = v;
                return b;
            })
            .use(domain().optional()).in((b, v) -> {
                b.envelopeFrom = v;
                return b;
            })
            .use(domain().optional()).in((b, v) -> {
                b.envelopeTo = v;
                return b;
            })
            .use(dkim.list().ofMaxSize(3)).in((b, v) -> {
                b.dkim = v;
                return b;
            })
            .use(rfc9990 ? spf.list().ofMaxSize(1) : spf.list().ofMinSize(1).ofMaxSize(3)).in((b, v) -> {
                b.spf = v;
                return b;
            })
            .use(extensions).in((b, v) -> {
                b.extensions = v;
                return b;
            })
            .build(RecordBuilder::build);
    }

    private static final class RecordBuilder {
        SourceIp ip;
        long count;
        PolicyEvaluated evaluated;
        String headerFrom;
        Optional<String> envelopeFrom;
        Optional<String> envelopeTo;
        List<DkimAuthResult> dkim;
        List<SpfAuthResult> spf;
        List<String> extensions;

        ReportRecord build() {
            return new ReportRecord(ip, count, evaluated, Optional.of(headerFrom), envelopeFrom, envelopeTo, dkim, spf, extensions);
        }
    }

    // ---------------------------------------------------------------- values

    private static Arbitrary<SourceIp> sourceIp() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofSize(4),
                Arbitraries.bytes().array(byte[].class).ofSize(16),
                Arbitraries.bytes().array(byte[].class).ofSize(2).map(tail -> new byte[] {
                    0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, tail[0], tail[1]}))
            .map(AggregateRoundTripTest::address)
            .map(SourceIp::of);
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Arbitrary<String> domain() {
        Arbitrary<String> label = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-').ofMinLength(1).ofMaxLength(12);
        return label.list().ofMinSize(1).ofMaxSize(3).map(labels -> String.join(".", labels) + ".example");
    }

    private static Arbitrary<String> selector() {
        return Arbitraries.strings().alpha().numeric().withChars('-', '_', '.').ofMinLength(1).ofMaxLength(20);
    }

    /** Text of legal XML characters, markup and whitespace included. */
    private static net.jqwik.api.arbitraries.StringArbitrary text() {
        return Arbitraries.strings().withCharRange(' ', '~').withChars('\t', '\n', '\r', 'é', 'ß', '’', '中', '\u00A0', '\u0085')
            .withCharRange('\u3040', '\u309F');
    }

    /** Optional text as the reader gives it back: absent when blank, without surrounding whitespace. */
    private static Arbitrary<Optional<String>> optionalText() {
        return text().ofMaxLength(40).map(String::strip).map(text -> text.isEmpty() ? Optional.<String>empty() : Optional.of(text));
    }

    private static <E extends Enum<E> & Vocabulary> Arbitrary<Enumerated<E>> known(Class<E> type) {
        return Arbitraries.of(type).map(Enumerated::of);
    }
}
