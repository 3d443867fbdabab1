package io.jamesdmarc.model.unpack;

import static io.jamesdmarc.model.unpack.Packing.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.google.common.io.ByteSource;

import io.jamesdmarc.model.Limit;
import io.jamesdmarc.model.LimitExceededException;
import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.ReportParseException.Problem;
import io.jamesdmarc.model.aggregate.AggregateReadSummary;
import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.AggregateReportHandler;
import io.jamesdmarc.model.aggregate.AggregateReportSource;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.failure.FailureReport;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

class ReportExtractorTest {

    private static final byte[] REPORT = fixture("report.xml");

    private final ReportExtractor extractor = new ReportExtractor(ParseLimits.DEFAULTS);

    // ------------------------------------------------------------------ files of every kind

    @Test
    void plainXmlWithBomAndLeadingWhitespace() throws Exception {
        CollectingSink sink = extract(Packing.concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, utf8("\r\n  "), REPORT), "r.xml");
        assertTheFixtureReport(sink, "r.xml");
    }

    @Test
    void gzipZipZlibAndBase64AreSniffedWhateverTheName() throws Exception {
        assertTheFixtureReport(extract(Packing.gzip(REPORT), "report.bin"), "report.bin > gzip");
        assertTheFixtureReport(extract(Packing.zip("r.xml", REPORT), "r.xml.zip"), "r.xml.zip > zip member \"r.xml\"");
        assertTheFixtureReport(extract(Packing.zlib(REPORT), "r.zlib"), "r.zlib > zlib");
        assertTheFixtureReport(extract(utf8(Packing.base64Lines(Packing.gzip(REPORT))), "r.b64"), "r.b64 > base64 > gzip");
        assertTheFixtureReport(extract(Packing.zip("inner.xml.gz", Packing.gzip(REPORT)), "r.zip"),
            "r.zip > zip member \"inner.xml.gz\" > gzip");
    }

    @Test
    void everyReportInAZipAndEveryMemberOfAConcatenatedGzip() throws Exception {
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("a.xml", REPORT);
        members.put("readme.txt", utf8("Reports of June."));
        members.put("b.xml", secondReport());
        CollectingSink zip = extract(Packing.zip(members), "two.zip");
        assertThat(zip.reportIds()).containsExactly("fixture-0001", "fixture-0002");

        byte[] xml = new String(REPORT, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
        int half = xml.length / 2;
        byte[] concatenated = Packing.concat(Packing.gzip(java.util.Arrays.copyOf(xml, half)),
            Packing.gzip(java.util.Arrays.copyOfRange(xml, half, xml.length)));
        assertTheFixtureReport(extract(concatenated, "split.xml.gz"), "split.xml.gz > gzip");
    }

    @Test
    void gzipWithTrailingBytesIsReadAndSaysWhatWasIgnored() throws Exception {
        ReportSinkResult result = extractWithResult(Packing.concat(Packing.gzip(REPORT), utf8("\r\n")), "mimecast.xml.gz");
        assertTheFixtureReport(result.sink(), "mimecast.xml.gz > gzip");
        assertThat(result.sink().aggregates.get(0).summary().warnings())
            .contains("gzip: ignored 2 bytes after the end of the compressed data");
        assertThat(result.result().warnings())
            .containsExactly("mimecast.xml.gz > gzip: gzip: ignored 2 bytes after the end of the compressed data");
    }

    // ------------------------------------------------------------------ e-mails of every shape

    @ParameterizedTest
    @ValueSource(strings = {
        "mail-gzip-as-octet-stream.eml",
        "mail-gzip-with-trailing-crlf.eml",
        "mail-zip-as-x-zip-compressed.eml",
        "mail-forwarded-as-message-rfc822.eml",
        "mail-with-attached-eml-file.eml",
        "mail-html-body-nested-multiparts.eml",
        "mail-report-as-body.eml"})
    void findsTheReportInMailsOfEveryShape(String name) throws Exception {
        CollectingSink sink = extract(fixture(name), name);
        assertThat(sink.aggregates).hasSize(1);
        assertThat(sink.unreadable).isEmpty();
        assertFixtureCounts(sink.aggregates.get(0).summary());
        assertThat(sink.aggregates.get(0).location()).startsWith(name + " > ");
    }

    @Test
    void locationsNameEachLayer() throws Exception {
        assertThat(extract(fixture("mail-forwarded-as-message-rfc822.eml"), "fwd.eml").aggregates.get(0).location())
            .isEqualTo("fwd.eml > part 2 (message/rfc822) > part 1 (application/zip "
                + "\"receiver.example!sender.example!1780272000!1780358399.zip\") > zip member "
                + "\"receiver.example!sender.example!1780272000!1780358399.xml\"");
        assertThat(extract(fixture("mail-html-body-nested-multiparts.eml"), "ms.eml").aggregates.get(0).location())
            .isEqualTo("ms.eml > part 2 (application/gzip \"receiver.example!sender.example!1780272000!1780358399.xml.gz\") > gzip");
        assertThat(extract(fixture("mail-with-attached-eml-file.eml"), "att.eml").aggregates.get(0).location())
            .isEqualTo("att.eml > part 1 (application/octet-stream \"report.eml\") > part 1 (application/zip "
                + "\"receiver.example!sender.example!1780272000!1780358399.zip\") > zip member "
                + "\"receiver.example!sender.example!1780272000!1780358399.xml\"");
    }

    @Test
    void aMailStoredWithLfLineEndsAsTxt() throws Exception {
        String lf = new String(fixture("mail-gzip-with-trailing-crlf.eml"), StandardCharsets.US_ASCII).replace("\r\n", "\n");
        assertThat(extract(utf8(lf), "mail.txt").aggregates).hasSize(1);
    }

    @Test
    void theMessageAMailetHoldsIsWalkedTheSameWay() throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(fixture("mail-two-reports-and-a-corrupt-zip.eml")));
        CollectingSink sink = new CollectingSink();
        ExtractionResult result = extractor.extract(message, sink);
        assertThat(result.aggregateReports()).isEqualTo(2);
        assertThat(sink.reportIds()).containsExactly("fixture-0001", "fixture-0002");
        assertThat(sink.aggregates.get(0).location()).isEqualTo("part 1 (application/gzip \"a.xml.gz\") > gzip");
    }

    @Test
    void aSinglePartMessageBuiltInMemoryIsReadFromItsBody() throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setSubject("Report domain: sender.example");
        message.setDataHandler(new jakarta.activation.DataHandler(
            new jakarta.mail.util.ByteArrayDataSource(Packing.gzip(REPORT), "application/octet-stream")));
        message.setFileName("receiver.example!sender.example!1780272000!1780358399.xml.gz");
        message.saveChanges();
        CollectingSink sink = new CollectingSink();
        assertThat(extractor.extract(message, sink).aggregateReports()).isEqualTo(1);
        assertTheFixtureReport(sink, "message body (application/octet-stream "
            + "\"receiver.example!sender.example!1780272000!1780358399.xml.gz\") > gzip");
    }

    @Test
    void unreadablePartsAreReportedNextToTheReportsFound() throws Exception {
        ReportSinkResult outcome = extractWithResult(fixture("mail-two-reports-and-a-corrupt-zip.eml"), "two.eml");
        assertThat(outcome.result().aggregateReports()).isEqualTo(2);
        assertThat(outcome.result().unreadable()).singleElement().satisfies(part -> {
            assertThat(part.location()).startsWith("two.eml > part 2 (application/zip \"broken.zip\")");
            assertThat(part.problem().problem()).isEqualTo(Problem.CORRUPT_CONTAINER);
            assertThat(part.problem().getMessage()).startsWith("corrupt zip");
        });
        assertThat(outcome.sink().unreadable).hasSize(1);
    }

    @Test
    void theMessageAFailureReportIsAboutIsNotSearchedForReports() throws Exception {
        CollectingSink sink = extract(fixture("mail-failure-report-about-a-report-mail.eml"), "ruf.eml");
        assertThat(sink.aggregates).isEmpty();
        assertThat(sink.failures).singleElement().satisfies(failure -> {
            assertThat(failure.location()).isEqualTo("ruf.eml > message (multipart/report)");
            assertThat(failure.report().reportedDomain()).contains("sender.example");
            assertThat(failure.report().reportedMessage().orElseThrow().fullMessage()).isTrue();
        });
    }

    @Test
    void textOnlyFailureNoticesAreFound() throws Exception {
        byte[] notice = FailureFixture.bytes("notice-exim-style.eml");
        CollectingSink sink = extract(notice, "notice.eml");
        assertThat(sink.failures).singleElement().satisfies(failure -> {
            assertThat(failure.report().kind()).isEqualTo(FailureReport.Kind.PLAIN_TEXT_NOTICE);
            assertThat(failure.location()).isEqualTo("notice.eml > part 1 (text/plain)");
        });
    }

    @Test
    void proseReadingLikeANoticeBesideAnAggregateReportIsNoSecondReport() throws Exception {
        String prose = "DMARC results that failed today:\r\n  Sender Domain: sender.example\r\n  Sender IP Address: 192.0.2.10\r\n";
        String mail = "From: a@receiver.example\r\nSubject: r\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\n" + prose
            + "--b\r\nContent-Type: application/gzip\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Packing.base64Lines(Packing.gzip(REPORT)) + "\r\n--b--\r\n";
        CollectingSink both = extract(utf8(mail), "both.eml");
        assertThat(both.aggregates).hasSize(1);
        assertThat(both.failures).isEmpty();

        CollectingSink alone = extract(utf8("From: a@receiver.example\r\nSubject: n\r\n\r\n" + prose), "alone.eml");
        assertThat(alone.failures).singleElement()
            .satisfies(f -> assertThat(f.report().kind()).isEqualTo(FailureReport.Kind.PLAIN_TEXT_NOTICE));
    }

    // ------------------------------------------------------------------ no report: clear, typed errors

    @Test
    void yahoosUnusedPlaceholderIsNoReport() {
        assertThatThrownBy(() -> extract(fixture("mail-gzip-unused-placeholder.eml"), "yahoo.eml"))
            .isInstanceOfSatisfying(ReportParseException.class, e -> assertThat(e.problem()).isEqualTo(Problem.NO_REPORT_FOUND))
            .hasMessageStartingWith("no report found: yahoo.eml > part 1 (text/plain): text that is not a report")
            .hasMessageContaining("yahoo.eml > part 2 (application/gzip \"receiver.example!sender.example!1780272000!1780358399.xml.gz\") > gzip: "
                + "the word 'unused' where a report should be");
    }

    @Test
    void emptyAndGarbageInputs() {
        assertProblem(new byte[0], Problem.EMPTY_INPUT, "no report found: empty.xml: empty");
        assertProblem(utf8("this is not a report at all"), Problem.NOT_A_REPORT, "no report found: empty.xml: text that is not a report");
        assertProblem(utf8("<html><body>hello</body></html>"), Problem.NOT_A_REPORT,
            "no report found: empty.xml: XML whose root element is <html>, not a DMARC <feedback> report");
        assertProblem(utf8("<feedback><report_metadata>"), Problem.MALFORMED_XML, "no report found: empty.xml: ");
    }

    @Test
    void aSingleUnreadablePartGivesItsOwnProblemNamingThePart() {
        byte[] corrupt = Packing.gzip(REPORT);
        byte[] truncated = java.util.Arrays.copyOf(corrupt, corrupt.length / 2);
        String mail = "From: a@receiver.example\r\nSubject: r\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nHello\r\n"
            + "--b\r\nContent-Type: application/gzip; name=\"x.xml.gz\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Packing.base64Lines(truncated) + "\r\n--b--\r\n";
        assertThatThrownBy(() -> extract(utf8(mail), "bad.eml"))
            .isInstanceOfSatisfying(ReportParseException.class, e -> assertThat(e.problem()).isEqualTo(Problem.CORRUPT_CONTAINER))
            .hasMessage("no report found: bad.eml > part 1 (text/plain): text that is not a report (starts 'Hello'); "
                + "bad.eml > part 2 (application/gzip \"x.xml.gz\") > gzip: corrupt gzip: truncated: the stream ends after "
                + truncated.length + " compressed bytes, inside the data");
    }

    // ------------------------------------------------------------------ hostile input

    @Test
    void aDecompressionBombIsRefusedNamingTheLimit() {
        // the start of a report, then 256 MiB of blanks: about 250 KB gzipped, refused after the ratio floor
        byte[] bomb = Packing.gzipBomb("<?xml version=\"1.0\"?><feedback>", 256L << 20, (byte) ' ');
        assertThatThrownBy(() -> extract(bomb, "bomb.xml.gz"))
            .isInstanceOfSatisfying(LimitExceededException.class, e -> assertThat(e.limit()).isEqualTo(Limit.COMPRESSION_RATIO))
            .hasMessage("limit maxCompressionRatio=100 exceeded in bomb.xml.gz > gzip");
    }

    @Test
    void aBombInAMailIsRefusedByBytesWhenTheRatioIsAllowed() {
        ParseLimits limits = ParseLimits.DEFAULTS.with(Limit.COMPRESSION_RATIO, 100_000).with(Limit.DECOMPRESSED_BYTES, 8L << 20);
        byte[] bomb = Packing.zipBomb("report.xml", "<feedback>", 64L << 20, (byte) '\n');
        String mail = "From: a@receiver.example\r\nSubject: r\r\nMIME-Version: 1.0\r\nContent-Type: application/zip\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + Packing.base64Lines(bomb) + "\r\n";
        assertThatThrownBy(() -> new ReportExtractor(limits).extract(ByteSource.wrap(utf8(mail)), "bomb.eml", new CollectingSink()))
            .isInstanceOfSatisfying(LimitExceededException.class, e -> assertThat(e.limit()).isEqualTo(Limit.DECOMPRESSED_BYTES))
            .hasMessage("limit maxDecompressedBytes=8388608 exceeded in bomb.eml > message body (application/zip) > zip member \"report.xml\"");
    }

    @Test
    void nestingDeeperThanTheLimitIsRefused() {
        byte[] nested = REPORT;
        for (int i = 0; i < 5; i++) {
            nested = Packing.gzip(nested);
        }
        ByteSource fiveGzips = ByteSource.wrap(nested);
        ParseLimits shallow = ParseLimits.DEFAULTS.with(Limit.MIME_DEPTH, 3);
        assertThatThrownBy(() -> new ReportExtractor(shallow).extract(fiveGzips, "deep.gz", new CollectingSink()))
            .isInstanceOfSatisfying(LimitExceededException.class, e -> assertThat(e.limit()).isEqualTo(Limit.MIME_DEPTH))
            .hasMessage("limit maxMimeDepth=3 exceeded in deep.gz > gzip > gzip > gzip > gzip");
        assertTheFixtureReport(extractUnchecked(nested), "deep.gz > gzip > gzip > gzip > gzip > gzip");
    }

    @Test
    void moreMimePartsThanTheLimitStopTheWalk() {
        StringBuilder mail = new StringBuilder("From: a@receiver.example\r\nSubject: r\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n");
        for (int i = 0; i < 30; i++) {
            mail.append("--b\r\nContent-Type: text/plain\r\n\r\npart ").append(i).append("\r\n");
        }
        mail.append("--b--\r\n");
        ParseLimits few = ParseLimits.DEFAULTS.with(Limit.MIME_PARTS, 10);
        assertThatThrownBy(() -> new ReportExtractor(few).extract(ByteSource.wrap(utf8(mail.toString())), "many.eml", new CollectingSink()))
            .isInstanceOfSatisfying(LimitExceededException.class, e -> assertThat(e.limit()).isEqualTo(Limit.MIME_PARTS))
            .hasMessageStartingWith("limit maxMimeParts=10 exceeded in many.eml > message (multipart/mixed)");
    }

    // ------------------------------------------------------------------ the sink's contract

    @Test
    void whatTheSinkThrowsComesOutUnchanged() {
        class StoreDown extends Exception {
            StoreDown() {
                super("database down");
            }
        }
        ReportSink<StoreDown> failing = new ReportSink<>() {
            @Override
            public void aggregate(AggregateReportSource report) throws StoreDown {
                throw new StoreDown();
            }

            @Override
            public void failure(FailureReport report, String location) {
            }
        };
        assertThatThrownBy(() -> extractor.extract(ByteSource.wrap(REPORT), "r.xml", failing))
            .isInstanceOf(StoreDown.class).hasMessage("database down");
    }

    @Test
    void anUncheckedFailureOfTheSinkInsideAnArchiveIsNotTakenForACorruptArchive() {
        ReportSink<RuntimeException> broken = new ReportSink<>() {
            @Override
            public void aggregate(AggregateReportSource report) {
                throw new IllegalStateException("store broken");
            }

            @Override
            public void failure(FailureReport report, String location) {
            }
        };
        assertThatThrownBy(() -> extractor.extract(ByteSource.wrap(Packing.zip("r.xml", REPORT)), "r.zip", broken))
            .isInstanceOf(IllegalStateException.class).hasMessage("store broken");
        assertThatThrownBy(() -> extractor.extract(ByteSource.wrap(fixture("mail-zip-as-x-zip-compressed.eml")), "m.eml", broken))
            .isInstanceOf(IllegalStateException.class).hasMessage("store broken");
    }

    @Test
    void aFoundReportIsReadOnceAndOnlyDuringTheCall() throws Exception {
        AtomicReference<AggregateReportSource> kept = new AtomicReference<>();
        AggregateReportHandler<RuntimeException> ignore = new AggregateReportHandler<>() {
            @Override
            public void header(AggregateReport report) {
            }

            @Override
            public void record(ReportRecord record) {
            }
        };
        extractor.extract(ByteSource.wrap(REPORT), "r.xml", new ReportSink<RuntimeException>() {
            @Override
            public void aggregate(AggregateReportSource report) throws ReportParseException {
                report.read(ignore);
                assertThatThrownBy(() -> report.read(ignore)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already read");
                kept.set(report);
            }

            @Override
            public void failure(FailureReport report, String location) {
            }
        });
        assertThatThrownBy(() -> kept.get().read(ignore)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("while the sink handles it");
    }

    @Test
    void aReportTheSinkCouldNotReadCountsAsUnreadable() {
        CollectingSink sink = new CollectingSink();
        assertThatThrownBy(() -> extractor.extract(ByteSource.wrap(utf8("<feedback><report_metadata></feedback>")), "bad.xml", sink))
            .isInstanceOfSatisfying(ReportParseException.class, e -> assertThat(e.problem()).isEqualTo(Problem.MALFORMED_XML));
        assertThat(sink.unreadable).singleElement().satisfies(u -> assertThat(u.location()).isEqualTo("bad.xml"));
    }

    // ------------------------------------------------------------------ helpers

    private record ReportSinkResult(CollectingSink sink, ExtractionResult result) {
    }

    private CollectingSink extractUnchecked(byte[] nested) {
        try {
            return extract(nested, "deep.gz");
        } catch (ReportParseException e) {
            throw new AssertionError(e);
        }
    }

    private CollectingSink extract(byte[] input, String name) throws ReportParseException {
        return extractWithResult(input, name).sink();
    }

    private ReportSinkResult extractWithResult(byte[] input, String name) throws ReportParseException {
        CollectingSink sink = new CollectingSink();
        ExtractionResult result = extractor.extract(ByteSource.wrap(input), name, sink);
        assertThat(result.aggregateReports()).isEqualTo(sink.aggregates.size());
        assertThat(result.failureReports()).isEqualTo(sink.failures.size());
        return new ReportSinkResult(sink, result);
    }

    private void assertProblem(byte[] input, Problem problem, String messageStart) {
        assertThatThrownBy(() -> extract(input, "empty.xml"))
            .isInstanceOfSatisfying(ReportParseException.class, e -> assertThat(e.problem()).isEqualTo(problem))
            .hasMessageStartingWith(messageStart);
    }

    private static void assertTheFixtureReport(CollectingSink sink, String location) {
        assertThat(sink.aggregates).singleElement().satisfies(found -> {
            assertThat(found.location()).isEqualTo(location);
            assertFixtureCounts(found.summary());
            assertThat(found.records()).hasSize(2);
        });
        assertThat(sink.unreadable).isEmpty();
    }

    private static void assertFixtureCounts(AggregateReadSummary summary) {
        assertThat(summary.report().metadata().orgName()).isEqualTo("Fixture Receiver");
        assertThat(summary.report().metadata().reportId()).isEqualTo("fixture-0001");
        assertThat(summary.report().policyPublished().domain()).isEqualTo("sender.example");
        assertThat(summary.records()).isEqualTo(2);
        assertThat(summary.countSum()).isEqualTo(5);
        assertThat(summary.dmarcPassCount()).isEqualTo(3);
    }

    private static byte[] secondReport() {
        return new String(REPORT, StandardCharsets.UTF_8).replace("fixture-0001", "fixture-0002").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] fixture(String name) {
        try (InputStream in = ReportExtractorTest.class.getResourceAsStream("/fixtures/unpack/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The failure fixtures, shared with the failure parser's tests. */
    private static final class FailureFixture {
        static byte[] bytes(String name) {
            try (InputStream in = ReportExtractorTest.class.getResourceAsStream("/fixtures/failure/" + name)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
