package io.jamesdmarc.model.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.google.common.io.ByteSource;
import com.google.common.io.Resources;

import io.jamesdmarc.model.Limit;
import io.jamesdmarc.model.LimitExceededException;
import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.ReportParseException.Problem;
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

class AggregateReportReaderTest {

    private final AggregateReportReader reader = AggregateReportReader.withDefaultLimits();

    static ByteSource fixture(String name) {
        return Resources.asByteSource(Resources.getResource("fixtures/aggregate/" + name));
    }

    private ParsedAggregateReport read(String fixture) throws ReportParseException {
        return reader.readAll(fixture(fixture));
    }

    private ReportParseException failure(String fixture) {
        return catchThrowableOfType(ReportParseException.class, () -> read(fixture));
    }

    @Test
    void readsEveryFieldOfAnRfc7489Report() throws Exception {
        ParsedAggregateReport parsed = read("rfc7489-complete.xml");
        AggregateReport report = parsed.report();

        assertThat(report.format()).isEqualTo(ReportFormat.RFC7489);
        assertThat(report.version()).contains("1.0");
        ReportMetadata metadata = report.metadata();
        assertThat(metadata.orgName()).isEqualTo("Receiver Example");
        assertThat(metadata.email()).isEqualTo("dmarc-reports@receiver.example");
        assertThat(metadata.extraContactInfo()).contains("https://receiver.example/dmarc");
        assertThat(metadata.reportId()).isEqualTo("r-complete-1");
        assertThat(metadata.dateRange()).isEqualTo(new DateRange(Instant.ofEpochSecond(1700006400), Instant.ofEpochSecond(1700092799)));
        assertThat(metadata.errors()).containsExactly("DNS timeout for _dmarc.other.example", "second problem");
        assertThat(metadata.generator()).isEmpty();

        PolicyPublished policy = report.policyPublished();
        assertThat(policy.domain()).isEqualTo("sender.example");
        assertThat(policy.adkim().known()).isEqualTo(Alignment.STRICT);
        assertThat(policy.aspf().known()).isEqualTo(Alignment.RELAXED);
        assertThat(policy.p().known()).isEqualTo(PolicyAction.REJECT);
        assertThat(policy.sp().known()).isEqualTo(PolicyAction.QUARANTINE);
        assertThat(policy.pct()).contains(50);
        assertThat(policy.fo()).contains("1:d");
        assertThat(policy.np()).isEmpty();

        assertThat(parsed.records()).hasSize(2);
        ReportRecord first = parsed.records().get(0);
        assertThat(first.sourceIp().address()).contains(InetAddress.getByName("192.0.2.10"));
        assertThat(first.count()).isEqualTo(12);
        assertThat(first.policyEvaluated()).isEqualTo(new PolicyEvaluated(
            Enumerated.of(Disposition.NONE),
            Optional.of(Enumerated.of(PolicyResult.FAIL)),
            Optional.of(Enumerated.of(PolicyResult.FAIL)),
            List.of(new PolicyOverrideReason(Enumerated.of(OverrideType.FORWARDED), Optional.of("known forwarder")),
                new PolicyOverrideReason(Enumerated.of(OverrideType.LOCAL_POLICY), Optional.empty()))));
        assertThat(first.envelopeTo()).contains("receiver.example");
        assertThat(first.envelopeFrom()).contains("bounce.sender.example");
        assertThat(first.headerFrom()).contains("sender.example");
        assertThat(first.dkim()).containsExactly(
            new DkimAuthResult("sender.example", Optional.of("s2024"), Enumerated.of(DkimResult.FAIL), Optional.of("body hash did not verify")),
            new DkimAuthResult("esp.example", Optional.of("esp1"), Enumerated.of(DkimResult.PASS), Optional.empty()));
        assertThat(first.spf()).containsExactly(
            new SpfAuthResult("mx.forwarder.example", Optional.of(Enumerated.of(SpfScope.HELO)), Enumerated.of(SpfResult.PASS), Optional.empty()),
            new SpfAuthResult("bounce.sender.example", Optional.of(Enumerated.of(SpfScope.MFROM)), Enumerated.of(SpfResult.SOFTFAIL), Optional.empty()));
        assertThat(first.extensions()).isEmpty();

        assertThat(parsed.summary().records()).isEqualTo(2);
        assertThat(parsed.summary().countSum()).isEqualTo(17);
        assertThat(parsed.summary().dmarcPassCount()).isEqualTo(5);
        assertThat(parsed.summary().warnings()).isEmpty();
    }

    @Test
    void readsAnRfc9990ReportWithItsNewElementsAndExtensions() throws Exception {
        ParsedAggregateReport parsed = read("rfc9990-complete.xml");
        AggregateReport report = parsed.report();

        assertThat(report.format()).isEqualTo(ReportFormat.RFC9990);
        assertThat(report.metadata().generator()).contains("Example Reporter 2.1");
        assertThat(report.metadata().extraContactInfo()).contains("https://receiver.example/dmarc");
        assertThat(report.metadata().errors()).containsExactly("one policy lookup timed out");
        PolicyPublished policy = report.policyPublished();
        assertThat(policy.np()).contains(Enumerated.of(PolicyAction.REJECT));
        assertThat(policy.testing()).contains(Enumerated.of(YesNo.YES));
        assertThat(policy.discoveryMethod()).contains(Enumerated.of(DiscoveryMethod.TREEWALK));
        assertThat(policy.pct()).isEmpty();
        assertThat(report.extensions()).containsExactly(
            "<extension>\n    <ext:batch xmlns:ext=\"urn:example:ext\" id=\"7\">nightly</ext:batch>\n  </extension>");

        ReportRecord record = parsed.records().get(0);
        assertThat(record.sourceIp().text()).isEqualTo("2001:db8::25");
        assertThat(record.policyEvaluated().disposition()).isEqualTo(Enumerated.of(Disposition.PASS));
        assertThat(record.policyEvaluated().reasons()).containsExactly(
            new PolicyOverrideReason(Enumerated.of(OverrideType.POLICY_TEST_MODE), Optional.of("t=y")));
        assertThat(record.dkim().get(0).humanResult()).contains("good");
        assertThat(record.spf()).containsExactly(new SpfAuthResult("sender.example",
            Optional.of(Enumerated.of(SpfScope.MFROM)), Enumerated.of(SpfResult.PASS), Optional.of("ip4 match")));
        assertThat(record.extensions()).containsExactly(
            "<ext:arc_results xmlns:ext=\"urn:example:ext\"><ext:hop i=\"1\">pass</ext:hop></ext:arc_results>");
        assertThat(parsed.summary().warnings()).isEmpty();
    }

    @Test
    void detectsRfc9990FromItsElementsWithoutTheNamespace() throws Exception {
        String xml = new String(fixture("rfc7489-complete.xml").read(), StandardCharsets.UTF_8)
            .replace("<fo>1:d</fo>", "<fo>1:d</fo><np>none</np>");

        AggregateReport report = reader.readAll(ByteSource.wrap(xml.getBytes(StandardCharsets.UTF_8))).report();

        assertThat(report.format()).isEqualTo(ReportFormat.RFC9990);
        assertThat(report.policyPublished().np()).contains(Enumerated.of(PolicyAction.NONE));
    }

    @Test
    void acceptsTheRfc7489Namespace() throws Exception {
        ParsedAggregateReport parsed = read("rfc7489-namespace.xml");

        assertThat(parsed.report().format()).isEqualTo(ReportFormat.RFC7489);
        assertThat(parsed.report().metadata().reportId()).isEqualTo("r-ns-7489");
        assertThat(parsed.records()).hasSize(1);
    }

    @Test
    void acceptsAPrefixedRootInWindows1252() throws Exception {
        ParsedAggregateReport parsed = read("prefixed-root-windows-1252.xml");

        assertThat(parsed.report().metadata().orgName()).isEqualTo("Récepteur ’Example’");
        assertThat(parsed.records().get(0).spf().get(0).scope()).isEmpty();
        assertThat(parsed.summary().warnings()).isEmpty();
    }

    @Test
    void acceptsOutlookRootsAndVersionZero() throws Exception {
        ParsedAggregateReport parsed = read("outlook-version-zero.xml");

        assertThat(parsed.report().version()).contains("0");
        assertThat(parsed.report().metadata().reportId()).isEqualTo("r-outlook");
        assertThat(parsed.records()).hasSize(1);
    }

    @Test
    void acceptsAByteOrderMarkWithOrWithoutDeclaration() throws Exception {
        assertThat(read("bom-without-declaration.xml").report().metadata().reportId()).isEqualTo("r-bom-1");
        assertThat(read("bom-with-declaration.xml").report().metadata().reportId()).isEqualTo("r-bom-2");
    }

    @Test
    void trimsWhitespaceAndTabsAroundEverything() throws Exception {
        ParsedAggregateReport parsed = read("whitespace-everywhere.xml");

        assertThat(parsed.report().metadata().orgName()).isEqualTo("Receiver Example");
        assertThat(parsed.report().metadata().reportId()).isEqualTo("r-ws");
        assertThat(parsed.report().metadata().dateRange().end()).isEqualTo(Instant.ofEpochSecond(1700092799));
        assertThat(parsed.report().policyPublished().p()).isEqualTo(Enumerated.of(PolicyAction.NONE));
        ReportRecord record = parsed.records().get(0);
        assertThat(record.sourceIp().text()).isEqualTo("192.0.2.1");
        assertThat(record.count()).isEqualTo(7);
        assertThat(record.headerFrom()).contains("sender.example");
        assertThat(record.dkim().get(0).selector()).contains("s");
    }

    @Test
    void matchesValuesCaseInsensitivelyAndKeepsThemAsWritten() throws Exception {
        ParsedAggregateReport parsed = read("mixed-case-values.xml");

        assertThat(parsed.report().policyPublished().p().known()).isEqualTo(PolicyAction.REJECT);
        assertThat(parsed.report().policyPublished().p().raw()).isEqualTo("Reject");
        assertThat(parsed.report().policyPublished().adkim().known()).isEqualTo(Alignment.RELAXED);
        ReportRecord record = parsed.records().get(0);
        assertThat(record.policyEvaluated().dkim()).map(Enumerated::raw).contains("Pass");
        assertThat(record.policyEvaluated().dmarcPass()).isTrue();
        assertThat(record.spf().get(0).result().known()).isEqualTo(SpfResult.SOFTFAIL);
        assertThat(record.spf().get(0).scope()).map(Enumerated::known).contains(SpfScope.MFROM);
        assertThat(parsed.summary().dmarcPassCount()).isEqualTo(3);
        assertThat(parsed.summary().warnings()).isEmpty();
    }

    @Test
    void keepsValuesOutsideTheVocabulariesAndWarnsNamingRecordAndField() throws Exception {
        ParsedAggregateReport parsed = read("unknown-values.xml");

        ReportRecord second = parsed.records().get(1);
        assertThat(second.policyEvaluated().disposition()).isEqualTo(new Enumerated<Disposition>("discard", null));
        assertThat(second.policyEvaluated().reasons().get(0).type().raw()).isEqualTo("greylisted");
        assertThat(second.dkim().get(0).result()).isEqualTo(new Enumerated<DkimResult>("invalid", null));
        assertThat(second.spf().get(0).result()).isEqualTo(new Enumerated<SpfResult>("hardfail", null));
        assertThat(parsed.summary().warnings()).containsExactly(
            "record 2: unknown policy_evaluated/disposition 'discard'",
            "record 2: unknown policy_evaluated/reason/type 'greylisted'",
            "record 2: unknown auth_results/dkim/result 'invalid'",
            "record 2: unknown auth_results/spf/result 'hardfail'");
    }

    @Test
    void keepsAnEmptyReasonTypeAsUnknown() throws Exception {
        ParsedAggregateReport parsed = read("empty-reason-type.xml");

        PolicyOverrideReason reason = parsed.records().get(0).policyEvaluated().reasons().get(0);
        assertThat(reason.type().isKnown()).isFalse();
        assertThat(reason.type().raw()).isEmpty();
        assertThat(reason.comment()).isEmpty();
        assertThat(parsed.summary().warnings()).containsExactly("record 1: empty policy_evaluated/reason/type");
    }

    @Test
    void readsLegacyIdentitiesAsIdentifiers() throws Exception {
        ParsedAggregateReport parsed = read("legacy-identities.xml");

        assertThat(parsed.records().get(0).headerFrom()).contains("sender.example");
        assertThat(parsed.records().get(0).extensions()).isEmpty();
        assertThat(parsed.summary().warnings()).containsExactly("read the legacy <identities> as <identifiers>");
    }

    @Test
    void appliesTheRfcDefaultsForMissingPolicyTags() throws Exception {
        PolicyPublished policy = read("policy-defaults.xml").report().policyPublished();

        assertThat(policy.adkim()).isEqualTo(Enumerated.of(Alignment.RELAXED));
        assertThat(policy.aspf()).isEqualTo(Enumerated.of(Alignment.RELAXED));
        assertThat(policy.sp()).isEqualTo(Enumerated.of(PolicyAction.QUARANTINE));
        assertThat(policy.pct()).isEmpty();
        assertThat(policy.fo()).isEmpty();
    }

    @Test
    void keepsAnEmptyOrgNameAndReportIdsExactlyAsWritten() throws Exception {
        ReportMetadata bracketed = read("empty-org-name-bracketed-id.xml").report().metadata();
        assertThat(bracketed.orgName()).isEmpty();
        assertThat(bracketed.reportId()).isEqualTo("<17000064.2f3a@mx1.receiver.example>");

        assertThat(read("report-id-at-host.xml").report().metadata().reportId())
            .isEqualTo("17000064.2f3a@mx1.receiver.example");
    }

    @Test
    void readsAReportWithoutRecordsAndStillHandsOverItsHeader() throws Exception {
        List<String> calls = new ArrayList<>();
        AggregateReadSummary summary = reader.read(fixture("zero-records.xml"), new AggregateReportHandler<RuntimeException>() {
            @Override
            public void header(AggregateReport report) {
                calls.add("header " + report.metadata().reportId());
            }

            @Override
            public void record(ReportRecord record) {
                calls.add("record");
            }
        });

        assertThat(calls).containsExactly("header r-zero");
        assertThat(summary.records()).isZero();
        assertThat(summary.countSum()).isZero();
    }

    @Test
    void readsCompressedAndFullIpv6() throws Exception {
        List<ReportRecord> records = read("ipv6.xml").records();

        assertThat(records).extracting(record -> record.sourceIp().text())
            .containsExactly("2001:db8::1", "2001:db8::2", "192.0.2.9");
        assertThat(records.get(1).sourceIp().raw()).isEqualTo("2001:0db8:0000:0000:0000:0000:0000:0002");
    }

    @Test
    void readsDecimalTimestamps() throws Exception {
        ParsedAggregateReport parsed = read("decimal-timestamps.xml");

        assertThat(parsed.report().metadata().dateRange())
            .isEqualTo(new DateRange(Instant.ofEpochSecond(1700006400), Instant.ofEpochSecond(1700092799)));
        assertThat(parsed.summary().warnings()).isEmpty();
    }

    @Test
    void readsTheDataRangeMisspelling() throws Exception {
        ParsedAggregateReport parsed = read("data-range-misspelling.xml");

        assertThat(parsed.report().metadata().dateRange().begin()).isEqualTo(Instant.ofEpochSecond(1700006400));
        assertThat(parsed.summary().warnings()).containsExactly("read <data_range> as <date_range>");
    }

    @Test
    void keepsEveryDkimAndSpfResultAndToleratesMissingSelectors() throws Exception {
        ReportRecord record = read("auth-results-variety.xml").records().get(0);

        assertThat(record.dkim()).containsExactly(
            new DkimAuthResult("sender.example", Optional.empty(), Enumerated.of(DkimResult.PASS), Optional.of("no selector given")),
            new DkimAuthResult("esp.example", Optional.of("esp"), Enumerated.of(DkimResult.FAIL), Optional.empty()),
            new DkimAuthResult("third.example", Optional.empty(), Enumerated.of(DkimResult.NONE), Optional.empty()));
        assertThat(record.spf()).extracting(spf -> spf.scope().orElseThrow().known())
            .containsExactly(SpfScope.HELO, SpfScope.MFROM);
        assertThat(record.spf().get(1).result()).isEqualTo(Enumerated.of(SpfResult.NEUTRAL));
    }

    @Test
    void dropsControlCharactersThatXmlForbidsAndSaysSo() throws Exception {
        ParsedAggregateReport parsed = read("control-characters.xml");

        ReportRecord record = parsed.records().get(0);
        assertThat(record.policyEvaluated().reasons().get(0).comment()).contains("ringthe bell");
        assertThat(record.dkim().get(0).selector()).contains("s1");
        assertThat(parsed.summary().warnings())
            .containsExactly("removed 3 characters that XML does not allow (control characters)");
    }

    @Test
    void readsPolicyEvaluatedWithoutAlignedResults() throws Exception {
        ParsedAggregateReport parsed = read("policy-evaluated-partial.xml");

        PolicyEvaluated first = parsed.records().get(0).policyEvaluated();
        assertThat(first.disposition()).isEqualTo(Enumerated.of(Disposition.REJECT));
        assertThat(first.dkim()).isEmpty();
        assertThat(first.spf()).isEmpty();
        assertThat(first.dmarcPass()).isFalse();
        assertThat(parsed.records().get(1).policyEvaluated().disposition().raw()).isEmpty();
        assertThat(parsed.records().get(1).dkim()).isEmpty();
        assertThat(parsed.summary().warnings()).containsExactly("record 2: empty policy_evaluated/disposition");
    }

    @Test
    void ignoresGarbageAfterTheReportWithAWarning() throws Exception {
        ParsedAggregateReport parsed = read("trailing-garbage.xml");

        assertThat(parsed.report().metadata().reportId()).isEqualTo("r-trailing");
        assertThat(parsed.records()).hasSize(1);
        assertThat(parsed.summary().warnings()).anySatisfy(warning ->
            assertThat(warning).startsWith("ignored what follows </feedback>: line 49, column 1:"));
    }

    @Test
    void readsAReportInsideABrokenWrapper() throws Exception {
        ParsedAggregateReport parsed = read("wrapped-in-unclosed-element.xml");

        assertThat(parsed.report().metadata().reportId()).isEqualTo("r-wrapped");
        assertThat(parsed.records()).hasSize(1);
        assertThat(parsed.summary().warnings()).containsExactly(
            "the <feedback> element is wrapped in <wrap:envelope>: read the report inside it",
            "ignored what follows </feedback>: line 48, column 1: XML document structures must start and end within the same entity.");
    }

    @Test
    void readsInvalidUtf8AgainAsWindows1252() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        ByteSource counting = new ByteSource() {
            @Override
            public InputStream openStream() throws IOException {
                opened.incrementAndGet();
                return fixture("invalid-utf8.xml").openStream();
            }
        };
        List<ReportRecord> handed = new ArrayList<>();

        AggregateReadSummary summary = reader.read(counting, new CollectingHandler(handed));

        assertThat(opened).hasValue(2);
        assertThat(handed).hasSize(1);
        assertThat(handed.get(0).envelopeTo()).contains("it’s");
        assertThat(summary.warnings()).containsExactly("record 1, line 33, column 22: the bytes at offset 838 are not"
            + " valid UTF-8: read the whole report as windows-1252");
    }

    @Test
    void refusesToReadAgainWhenNonAsciiTextWasAlreadyHandedOver() {
        String records = "<record><row><source_ip>192.0.2.1</source_ip><count>1</count></row>"
            + "<identifiers><header_from>é.example</header_from></identifiers></record>";
        byte[] bytes = concat(("<feedback><report_metadata><org_name>o</org_name><email>e</email><report_id>i</report_id>"
                + "<date_range><begin>1</begin><end>2</end></date_range></report_metadata>"
                + "<policy_published><domain>d.example</domain><p>none</p></policy_published>" + records
                + "<record><row><source_ip>192.0.2.2</source_ip><count>1</count></row><identifiers><header_from>x")
                .getBytes(StandardCharsets.UTF_8),
            new byte[] {(byte) 0x92},
            "</header_from></identifiers></record></feedback>".getBytes(StandardCharsets.UTF_8));
        List<ReportRecord> handed = new ArrayList<>();

        ReportParseException failure = catchThrowableOfType(ReportParseException.class,
            () -> reader.read(ByteSource.wrap(bytes), new CollectingHandler(handed)));

        assertThat(handed).hasSize(1);
        assertThat(failure.problem()).isEqualTo(Problem.MALFORMED_XML);
        assertThat(failure.getMessage()).contains("not valid UTF-8").contains("already handed over");
    }

    @Test
    void streamsRecordsThatComeBeforeTheHeaderAfterTheHeader() throws Exception {
        List<String> calls = new ArrayList<>();
        AggregateReadSummary summary = reader.read(fixture("records-before-header.xml"), new AggregateReportHandler<RuntimeException>() {
            @Override
            public void header(AggregateReport report) {
                calls.add("header " + report.metadata().reportId());
            }

            @Override
            public void record(ReportRecord record) {
                calls.add("record " + record.sourceIp());
            }
        });

        assertThat(calls).containsExactly("header r-late-header", "record 192.0.2.1", "record 192.0.2.2", "record 192.0.2.3");
        assertThat(summary.records()).isEqualTo(3);
        assertThat(summary.countSum()).isEqualTo(7);
    }

    @Test
    void handsTheHeaderOverBeforeAnyRecordAndRecordsOneAtATime() throws Exception {
        List<String> calls = new ArrayList<>();
        reader.read(fixture("rfc7489-complete.xml"), new AggregateReportHandler<RuntimeException>() {
            @Override
            public void header(AggregateReport report) {
                calls.add("header");
            }

            @Override
            public void record(ReportRecord record) {
                calls.add("record " + record.count());
            }
        });

        assertThat(calls).containsExactly("header", "record 12", "record 5");
    }

    @Test
    void letsTheHandlersOwnExceptionOutUnchanged() {
        IOException storeDown = new IOException("store is down");

        assertThatThrownBy(() -> reader.read(fixture("rfc7489-complete.xml"), new AggregateReportHandler<IOException>() {
            @Override
            public void header(AggregateReport report) {
            }

            @Override
            public void record(ReportRecord record) throws IOException {
                throw storeDown;
            }
        })).isSameAs(storeDown);
    }

    @Test
    void failsOnEmptyInput() {
        assertThat(failure("empty.xml").problem()).isEqualTo(Problem.EMPTY_INPUT);
        assertThat(failure("whitespace-only.xml").problem()).isEqualTo(Problem.EMPTY_INPUT);
    }

    @Test
    void failsOnMalformedXmlSayingWhere() {
        ReportParseException failure = failure("malformed.xml");

        assertThat(failure.problem()).isEqualTo(Problem.MALFORMED_XML);
        assertThat(failure.getMessage()).startsWith("line 5, column 23: not well-formed XML: Element type \"postmaster\"");
        assertThat(failure("garbage.txt").problem()).isEqualTo(Problem.MALFORMED_XML);
    }

    @Test
    void failsOnWhatIsNotAReport() {
        assertThat(failure("not-a-report.xml")).satisfies(failure -> {
            assertThat(failure.problem()).isEqualTo(Problem.NOT_A_REPORT);
            assertThat(failure.getMessage()).endsWith("the root element is <html>, not <feedback>");
        });
        assertThat(failure("missing-report-id.xml").getMessage()).endsWith("<report_metadata> has no <report_id>");
        assertThat(failure("missing-date-range.xml").getMessage()).endsWith("<report_metadata> has no <date_range>");
        assertThat(failure("missing-policy-domain.xml")).satisfies(failure -> {
            assertThat(failure.problem()).isEqualTo(Problem.NOT_A_REPORT);
            assertThat(failure.getMessage()).endsWith("<policy_published> has no <domain>");
        });
    }

    @Test
    void refusesNegativeOrNonNumericCountsNamingTheRecord() {
        assertThat(failure("negative-count.xml")).satisfies(failure -> {
            assertThat(failure.problem()).isEqualTo(Problem.NOT_A_REPORT);
            assertThat(failure.getMessage())
                .isEqualTo("record 2, line 50, column 24: count '-4' is not a whole number of messages (0 or more)");
        });
        assertThat(failure("non-numeric-count.xml").getMessage())
            .startsWith("record 1, ").endsWith("count 'many' is not a whole number of messages (0 or more)");
    }

    @Test
    void neverResolvesExternalEntitiesNorExpandsEntities() {
        ReportParseException xxe = failure("xxe.xml");
        assertThat(xxe.problem()).isEqualTo(Problem.MALFORMED_XML);
        assertThat(xxe.getMessage()).contains("\"secret\" was referenced, but not declared");

        ReportParseException expansion = failure("entity-expansion.xml");
        assertThat(expansion.problem()).isEqualTo(Problem.MALFORMED_XML);
        assertThat(expansion.getMessage()).contains("\"c\" was referenced, but not declared");
    }

    @Test
    void enforcesTheDepthLimit() {
        AggregateReportReader shallow = new AggregateReportReader(ParseLimits.DEFAULTS.with(Limit.XML_DEPTH, 3));

        LimitExceededException failure = catchThrowableOfType(LimitExceededException.class,
            () -> shallow.readAll(fixture("rfc7489-complete.xml")));

        assertThat(failure.limit()).isEqualTo(Limit.XML_DEPTH);
        assertThat(failure.problem()).isEqualTo(Problem.LIMIT_EXCEEDED);
        assertThat(failure.getMessage()).isEqualTo("limit maxXmlDepth=3 exceeded in line 10, column 14");
    }

    @Test
    void enforcesTheTextLengthLimitOnValuesAndExtensions() {
        AggregateReportReader terse = new AggregateReportReader(ParseLimits.DEFAULTS.with(Limit.XML_TEXT_LENGTH, 20));

        assertThat(catchThrowableOfType(LimitExceededException.class, () -> terse.readAll(fixture("rfc7489-complete.xml"))))
            .satisfies(failure -> {
                assertThat(failure.limit()).isEqualTo(Limit.XML_TEXT_LENGTH);
                assertThat(failure.getMessage()).contains("maxXmlTextLength=20");
            });
        AggregateReportReader shortExtensions = new AggregateReportReader(ParseLimits.DEFAULTS.with(Limit.XML_TEXT_LENGTH, 60));
        assertThat(catchThrowableOfType(LimitExceededException.class, () -> shortExtensions.readAll(fixture("rfc9990-complete.xml"))))
            .satisfies(failure -> assertThat(failure.limit()).isEqualTo(Limit.XML_TEXT_LENGTH));
    }

    @Test
    void enforcesTheRecordLimitNamingTheRecord() {
        AggregateReportReader few = new AggregateReportReader(ParseLimits.DEFAULTS.with(Limit.RECORDS, 1));

        LimitExceededException failure = catchThrowableOfType(LimitExceededException.class,
            () -> few.readAll(fixture("rfc7489-complete.xml")));

        assertThat(failure.limit()).isEqualTo(Limit.RECORDS);
        assertThat(failure.getMessage()).startsWith("limit maxRecords=1 exceeded in record 2, line");
    }

    @Test
    void boundsTheWarnings() throws Exception {
        StringBuilder xml = new StringBuilder("<feedback><report_metadata><org_name>o</org_name><email>e</email>"
            + "<report_id>i</report_id><date_range><begin>1</begin><end>2</end></date_range></report_metadata>"
            + "<policy_published><domain>d.example</domain><p>none</p></policy_published>");
        for (int i = 0; i < 500; i++) {
            xml.append("<record><row><source_ip>192.0.2.1</source_ip><count>1</count><policy_evaluated>"
                + "<disposition>none</disposition></policy_evaluated></row><identifiers><header_from>d.example</header_from>"
                + "</identifiers><auth_results><spf><domain>d.example</domain><result>hardfail</result></spf></auth_results></record>");
        }
        xml.append("</feedback>");

        AggregateReadSummary summary = reader.readAll(ByteSource.wrap(xml.toString().getBytes(StandardCharsets.UTF_8))).summary();

        assertThat(summary.records()).isEqualTo(500);
        assertThat(summary.warnings()).hasSize(ReadWarnings.MAX + 1)
            .startsWith("record 1: unknown auth_results/spf/result 'hardfail'")
            .endsWith("and 400 more warnings");
    }

    @Test
    void reportsAnUnreadableInputAsACorruptContainerUnlessItCarriesAReportProblem() {
        ByteSource failing = new ByteSource() {
            @Override
            public InputStream openStream() {
                return new InputStream() {
                    private int served;

                    @Override
                    public int read() throws IOException {
                        if (served++ < 20) {
                            return "<feedback><report_me".charAt(served - 1);
                        }
                        throw new IOException("gzip: unexpected end of stream");
                    }
                };
            }
        };
        ReportParseException corrupt = catchThrowableOfType(ReportParseException.class, () -> reader.readAll(failing));
        assertThat(corrupt.problem()).isEqualTo(Problem.CORRUPT_CONTAINER);
        assertThat(corrupt.getMessage()).contains("gzip: unexpected end of stream");

        LimitExceededException bomb = new LimitExceededException(Limit.DECOMPRESSED_BYTES, 10, "gzip");
        ByteSource limited = new ByteSource() {
            @Override
            public InputStream openStream() throws IOException {
                throw new IOException(bomb);
            }
        };
        assertThatThrownBy(() -> reader.readAll(limited)).isSameAs(bomb);
    }

    @Test
    void stopsReadingAheadWhenItStopsEarly() throws Exception {
        ByteSource endless = new ByteSource() {
            @Override
            public InputStream openStream() {
                return new EndlessReport();
            }
        };
        AggregateReportReader few = new AggregateReportReader(ParseLimits.DEFAULTS.with(Limit.RECORDS, 50));

        assertThat(catchThrowableOfType(LimitExceededException.class, () -> few.readAll(endless)).limit())
            .isEqualTo(Limit.RECORDS);
        IllegalStateException storeFull = new IllegalStateException("store full");
        assertThatThrownBy(() -> reader.read(endless, new AggregateReportHandler<RuntimeException>() {
            @Override
            public void header(AggregateReport report) {
            }

            @Override
            public void record(ReportRecord record) {
                throw storeFull;
            }
        })).isSameAs(storeFull);

        // close() waits for the read-ahead thread; another test's interrupted read may still be ending its own
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (readAheadThreadsAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(readAheadThreadsAlive()).isFalse();
    }

    @Test
    void anInterruptedReadIsNoReportError() throws Exception {
        ByteSource slow = new ByteSource() {
            @Override
            public InputStream openStream() {
                return new EndlessReport() {
                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return super.read(buffer, offset, Math.min(length, 64));
                    }
                };
            }
        };
        java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
        Thread reading = new Thread(() -> {
            try {
                reader.readAll(slow);
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        reading.start();
        Thread.sleep(300);
        reading.interrupt();

        Throwable thrown = outcome.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(thrown).isInstanceOf(UncheckedIOException.class)
            .hasCauseInstanceOf(java.io.InterruptedIOException.class);
    }

    private static boolean readAheadThreadsAlive() {
        return Thread.getAllStackTraces().keySet().stream()
            .anyMatch(thread -> thread.getName().equals("dmarc-report-read-ahead") && thread.isAlive());
    }

    /** A report whose records never end. */
    private static class EndlessReport extends InputStream {
        private static final byte[] HEAD = ("<feedback><report_metadata><org_name>o</org_name><email>e</email>"
            + "<report_id>endless</report_id><date_range><begin>1</begin><end>2</end></date_range></report_metadata>"
            + "<policy_published><domain>d.example</domain><p>none</p></policy_published>").getBytes(StandardCharsets.UTF_8);
        private static final byte[] RECORD = ("<record><row><source_ip>192.0.2.1</source_ip><count>1</count></row>"
            + "<identifiers><header_from>d.example</header_from></identifiers></record>\n").getBytes(StandardCharsets.UTF_8);
        private long served;

        @Override
        public int read() {
            byte b = served < HEAD.length ? HEAD[(int) served] : RECORD[(int) ((served - HEAD.length) % RECORD.length)];
            served++;
            return b & 0xFF;
        }
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    private record CollectingHandler(List<ReportRecord> records) implements AggregateReportHandler<RuntimeException> {
        @Override
        public void header(AggregateReport report) {
        }

        @Override
        public void record(ReportRecord record) {
            records.add(record);
        }
    }
}
