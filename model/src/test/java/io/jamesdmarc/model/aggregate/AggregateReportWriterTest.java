package io.jamesdmarc.model.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.Validator;

import org.junit.jupiter.api.Test;
import org.xml.sax.SAXException;

import com.google.common.io.ByteSource;

import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.testing.AggregateSchemas;
import io.jamesdmarc.model.testing.Corpus;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.OverrideType;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;

class AggregateReportWriterTest {

    private final AggregateReportReader reader = AggregateReportReader.withDefaultLimits();

    static byte[] write(ReportFormat format, AggregateReport header, List<ReportRecord> records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AggregateReportWriter.write(out, format, header, records);
        return out.toByteArray();
    }

    static void validate(Schema schema, byte[] xml) throws SAXException, IOException {
        Validator validator = schema.newValidator();
        validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        validator.validate(new StreamSource(new ByteArrayInputStream(xml)));
    }

    private ParsedAggregateReport fixture(String name) throws ReportParseException {
        return reader.readAll(AggregateReportReaderTest.fixture(name));
    }

    private ParsedAggregateReport readBack(byte[] xml) throws ReportParseException {
        return reader.readAll(ByteSource.wrap(xml));
    }

    @Test
    void writesRfc9990ThatValidatesAndReadsBackEqual() throws Exception {
        ParsedAggregateReport original = fixture("rfc9990-complete.xml");

        byte[] xml = write(ReportFormat.RFC9990, original.report(), original.records());

        validate(AggregateSchemas.rfc9990(Corpus.require()), xml);
        ParsedAggregateReport back = readBack(xml);
        assertThat(back.report()).isEqualTo(original.report());
        assertThat(back.records()).isEqualTo(original.records());
        assertThat(back.summary().warnings()).isEmpty();
        assertThat(new String(xml, StandardCharsets.UTF_8))
            .startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">\n"
                + "  <version>1.0</version>\n");
    }

    @Test
    void writesRfc7489ThatValidatesAgainstTheRepairedSchemaAndReadsBackEqual() throws Exception {
        ParsedAggregateReport original = fixture("rfc7489-complete.xml");

        byte[] xml = write(ReportFormat.RFC7489, original.report(), original.records());

        validate(AggregateSchemas.rfc7489Repaired(Corpus.require()), xml);
        ParsedAggregateReport back = readBack(xml);
        assertThat(back.report()).isEqualTo(original.report());
        assertThat(back.records()).isEqualTo(original.records());
        assertThat(new String(xml, StandardCharsets.UTF_8))
            .contains("<dmarc:feedback xmlns:dmarc=\"http://dmarc.org/dmarc-xml/0.1\">\n  <version>1.0</version>");
    }

    @Test
    void theRfc7489SchemaAsPublishedNeitherLoadsNorAdmitsARealIpAddress() throws Exception {
        Corpus corpus = Corpus.require();
        assertThatThrownBy(() -> AggregateSchemas.rfc7489AsPublished(corpus))
            .hasMessageContaining("src-resolve.4.1");

        ParsedAggregateReport original = fixture("rfc7489-complete.xml");
        byte[] xml = write(ReportFormat.RFC7489, original.report(), original.records());
        Schema publishedPattern = AggregateSchemas.rfc7489WithPublishedPattern(corpus);
        assertThatThrownBy(() -> validate(publishedPattern, xml))
            .hasMessageContaining("Value '192.0.2.10' is not facet-valid with respect to pattern");
    }

    @Test
    void writesIpv6InFullFormForRfc7489AndCanonicalFormForRfc9990() throws Exception {
        ParsedAggregateReport original = fixture("ipv6.xml");
        Corpus corpus = Corpus.require();

        byte[] rfc7489 = write(ReportFormat.RFC7489, original.report(), original.records());
        byte[] rfc9990 = write(ReportFormat.RFC9990, original.report(), original.records());

        validate(AggregateSchemas.rfc7489Repaired(corpus), rfc7489);
        validate(AggregateSchemas.rfc9990(corpus), rfc9990);
        assertThat(new String(rfc7489, StandardCharsets.UTF_8))
            .contains("<source_ip>2001:db8:0:0:0:0:0:1</source_ip>", "<source_ip>192.0.2.9</source_ip>");
        assertThat(new String(rfc9990, StandardCharsets.UTF_8)).contains("<source_ip>2001:db8::1</source_ip>");
        assertThat(readBack(rfc7489).records()).extracting(record -> record.sourceIp().address())
            .isEqualTo(original.records().stream().map(record -> record.sourceIp().address()).toList());
    }

    @Test
    void fillsWhatRfc7489Requires() throws Exception {
        ParsedAggregateReport original = fixture("policy-defaults.xml");
        ReportRecord bare = new ReportRecord(SourceIp.parse("192.0.2.5"), 2, evaluated(), Optional.of("sender.example"),
            Optional.empty(), Optional.empty(), List.of(), List.of(), List.of());

        byte[] xml = write(ReportFormat.RFC7489, original.report(), List.of(bare));

        validate(AggregateSchemas.rfc7489Repaired(Corpus.require()), xml);
        ParsedAggregateReport back = readBack(xml);
        assertThat(back.report().version()).contains("1.0");
        assertThat(back.report().policyPublished().pct()).contains(100);
        assertThat(back.report().policyPublished().fo()).contains("0");
        ReportRecord record = back.records().get(0);
        assertThat(record.envelopeFrom()).isEmpty();
        assertThat(record.spf()).containsExactly(new SpfAuthResult("sender.example",
            Optional.of(Enumerated.of(SpfScope.MFROM)), Enumerated.of(SpfResult.NONE), Optional.empty()));
    }

    @Test
    void leavesOutWhatRfc9990HasNoPlaceFor() throws Exception {
        ParsedAggregateReport original = fixture("rfc7489-complete.xml");

        byte[] xml = write(ReportFormat.RFC9990, oneError(original.report()), original.records());

        validate(AggregateSchemas.rfc9990(Corpus.require()), xml);
        ParsedAggregateReport back = readBack(xml);
        assertThat(back.report().format()).isEqualTo(ReportFormat.RFC9990);
        assertThat(back.report().metadata().errors()).containsExactly("DNS timeout for _dmarc.other.example");
        assertThat(back.report().policyPublished().pct()).isEmpty();
        ReportRecord first = back.records().get(0);
        assertThat(first.policyEvaluated().reasons()).extracting(reason -> reason.type().known())
            .containsExactly(OverrideType.LOCAL_POLICY);
        assertThat(first.spf()).extracting(SpfAuthResult::domain).containsExactly("bounce.sender.example");
        assertThat(first.dkim()).isEqualTo(original.records().get(0).dkim());
    }

    @Test
    void refusesWhatAFormatCannotCarryNamingRecordAndField() throws Exception {
        AggregateReport header = fixture("rfc7489-complete.xml").report();
        ReportRecord valid = fixture("rfc7489-complete.xml").records().get(1);

        assertRefused(ReportFormat.RFC9990, header, valid, record -> with(record, new SpfAuthResult("a.example", Optional.empty(),
                new Enumerated<>("hardfail", null), Optional.empty())),
            "record 2: auth_results/spf/result 'hardfail' is not a value of the standard");
        assertRefused(ReportFormat.RFC7489, header, valid, record -> new ReportRecord(record.sourceIp(), record.count(),
                new PolicyEvaluated(Enumerated.of(Disposition.PASS), record.policyEvaluated().dkim(), record.policyEvaluated().spf(), List.of()),
                record.headerFrom(), record.envelopeFrom(), record.envelopeTo(), record.dkim(), record.spf(), List.of()),
            "record 2: RFC 7489 has no disposition 'pass' (an RFC 9990 value)");
        assertRefused(ReportFormat.RFC9990, header, valid, record -> new ReportRecord(record.sourceIp(), record.count(),
                record.policyEvaluated(), record.headerFrom(), record.envelopeFrom(), record.envelopeTo(),
                List.of(new DkimAuthResult("d.example", Optional.empty(), Enumerated.of(DkimResult.PASS), Optional.empty())),
                record.spf(), List.of()),
            "record 2: the DKIM result for 'd.example' has no selector, which RFC 9990 requires");
        assertRefused(ReportFormat.RFC9990, header, valid, record -> new ReportRecord(record.sourceIp(), record.count(),
                record.policyEvaluated(), record.headerFrom(), record.envelopeFrom(), record.envelopeTo(), record.dkim(),
                List.of(record.spf().get(0), record.spf().get(0)), List.of()),
            "record 2: RFC 9990 allows one SPF result (scope mfrom), the record has 2");
        assertRefused(ReportFormat.RFC7489, header, valid, record -> new ReportRecord(SourceIp.parse("mail.example"),
                record.count(), record.policyEvaluated(), record.headerFrom(), record.envelopeFrom(), record.envelopeTo(),
                record.dkim(), record.spf(), List.of()),
            "record 2: source_ip 'mail.example' is not an IP address");
        assertRefused(ReportFormat.RFC9990, header, valid, record -> new ReportRecord(record.sourceIp(), -1,
                record.policyEvaluated(), record.headerFrom(), record.envelopeFrom(), record.envelopeTo(), record.dkim(),
                record.spf(), List.of()),
            "record 2: count -1 is negative");
        assertRefused(ReportFormat.RFC9990, header, valid, record -> new ReportRecord(record.sourceIp(), 1,
                record.policyEvaluated(), record.headerFrom(), record.envelopeFrom(), record.envelopeTo(), record.dkim(),
                record.spf(), List.of("<unclosed>")),
            "record 2 extension: is not well-formed XML");
    }

    @Test
    void aRefusedRecordLeavesNothingHalfWritten() throws Exception {
        ParsedAggregateReport original = fixture("rfc7489-complete.xml");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ReportRecord unknownResult = with(original.records().get(1), new SpfAuthResult("a.example", Optional.empty(),
            new Enumerated<>("hardfail", null), Optional.empty()));

        try (AggregateReportWriter writer = AggregateReportWriter.open(out, ReportFormat.RFC9990, oneError(original.report()))) {
            writer.write(original.records().get(0));
            assertThatThrownBy(() -> writer.write(unknownResult)).isInstanceOf(IllegalArgumentException.class);
            writer.write(original.records().get(1));
        }

        validate(AggregateSchemas.rfc9990(Corpus.require()), out.toByteArray());
        assertThat(readBack(out.toByteArray()).records()).hasSize(2);
    }

    @Test
    void refusesHeadersAFormatCannotCarry() throws Exception {
        AggregateReport rfc7489 = fixture("rfc7489-complete.xml").report();

        assertThatThrownBy(() -> AggregateReportWriter.open(new ByteArrayOutputStream(), ReportFormat.RFC9990, rfc7489))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("report_metadata: RFC 9990 allows one <error>, the report has 2");
        AggregateReport twoExtensions = new AggregateReport(ReportFormat.RFC9990, Optional.empty(),
            fixture("rfc9990-complete.xml").report().metadata(),
            rfc7489.policyPublished(), List.of("<extension/>", "<extension/>"));
        assertThatThrownBy(() -> AggregateReportWriter.open(new ByteArrayOutputStream(), twoExtensions))
            .hasMessageStartingWith("header: RFC 9990 allows one top-level <extension>");
        AggregateReport foreignExtension = new AggregateReport(ReportFormat.RFC9990, Optional.empty(),
            fixture("rfc9990-complete.xml").report().metadata(), rfc7489.policyPublished(), List.of("<other/>"));
        assertThatThrownBy(() -> AggregateReportWriter.open(new ByteArrayOutputStream(), foreignExtension))
            .hasMessage("top-level extension: is not an <extension> element of RFC 9990's namespace");
    }

    @Test
    void refusesToEndAReportWithoutRecords() throws Exception {
        AggregateReport header = fixture("zero-records.xml").report();

        AggregateReportWriter writer = AggregateReportWriter.open(new ByteArrayOutputStream(), header);

        assertThatThrownBy(writer::close).isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("an aggregate report needs at least one <record>");
    }

    @Test
    void escapesMarkupAndDropsCharactersXmlForbids() throws Exception {
        ParsedAggregateReport original = fixture("rfc9990-complete.xml");
        ReportRecord record = original.records().get(0);
        String odd = "a<b>&c \"d\" 'e'\rf\u0007g\uFFFFh\uD800i \uD83D\uDCE8";
        ReportRecord withOdd = new ReportRecord(record.sourceIp(), record.count(),
            new PolicyEvaluated(Enumerated.of(Disposition.NONE), Optional.of(Enumerated.of(PolicyResult.PASS)),
                Optional.of(Enumerated.of(PolicyResult.PASS)),
                List.of(new PolicyOverrideReason(Enumerated.of(OverrideType.OTHER), Optional.of(odd)))),
            record.headerFrom(), record.envelopeFrom(), record.envelopeTo(), record.dkim(), record.spf(), List.of());

        byte[] xml = write(ReportFormat.RFC9990, original.report(), List.of(withOdd));

        validate(AggregateSchemas.rfc9990(Corpus.require()), xml);
        assertThat(readBack(xml).records().get(0).policyEvaluated().reasons().get(0).comment())
            .contains("a<b>&c \"d\" 'e'\rfghi \uD83D\uDCE8");
    }

    @Test
    void writesDatesInWholeSeconds() throws Exception {
        ParsedAggregateReport original = fixture("rfc9990-complete.xml");
        ReportMetadata metadata = original.report().metadata();
        AggregateReport header = new AggregateReport(ReportFormat.RFC9990, original.report().version(),
            new ReportMetadata(metadata.orgName(), metadata.email(), metadata.extraContactInfo(), metadata.reportId(),
                new DateRange(Instant.ofEpochSecond(1700006400, 999_000_000), Instant.ofEpochSecond(1700092799, 1)),
                metadata.errors(), metadata.generator()),
            original.report().policyPublished(), original.report().extensions());

        byte[] xml = write(ReportFormat.RFC9990, header, original.records());

        assertThat(readBack(xml).report().metadata().dateRange())
            .isEqualTo(new DateRange(Instant.ofEpochSecond(1700006400), Instant.ofEpochSecond(1700092799)));
    }

    /** The header with only its first error: RFC 9990 has room for one. */
    private static AggregateReport oneError(AggregateReport header) {
        ReportMetadata metadata = header.metadata();
        return new AggregateReport(header.format(), header.version(),
            new ReportMetadata(metadata.orgName(), metadata.email(), metadata.extraContactInfo(), metadata.reportId(),
                metadata.dateRange(), metadata.errors().subList(0, Math.min(1, metadata.errors().size())), metadata.generator()),
            header.policyPublished(), header.extensions());
    }

    private void assertRefused(ReportFormat format, AggregateReport header, ReportRecord valid,
                               UnaryOperator<ReportRecord> change, String message) throws IOException {
        try (AggregateReportWriter writer = AggregateReportWriter.open(new ByteArrayOutputStream(), format, oneError(header))) {
            assertThatCode(() -> writer.write(valid)).doesNotThrowAnyException();
            ReportRecord changed = change.apply(valid);
            assertThatThrownBy(() -> writer.write(changed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
        }
    }

    private static ReportRecord with(ReportRecord record, SpfAuthResult spf) {
        return new ReportRecord(record.sourceIp(), record.count(), record.policyEvaluated(), record.headerFrom(),
            record.envelopeFrom(), record.envelopeTo(), record.dkim(), List.of(spf), record.extensions());
    }

    private static PolicyEvaluated evaluated() {
        return new PolicyEvaluated(Enumerated.of(Disposition.NONE), Optional.of(Enumerated.of(PolicyResult.FAIL)),
            Optional.of(Enumerated.of(PolicyResult.FAIL)), List.of());
    }
}
