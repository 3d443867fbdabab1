package io.jamesdmarc.model.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;

import com.google.common.io.ByteSource;

import io.jamesdmarc.model.aggregate.AggregateReportReader;
import io.jamesdmarc.model.aggregate.ParsedAggregateReport;
import io.jamesdmarc.model.aggregate.ReportFormat;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.testing.AggregateReportGenerator;

/** Splitting a report at the size limit: every record once, each part within the limit, the same parts every time. */
class AggregateReportPartsTest {

    private static final ReportPeriod DAY = SendFrequency.DAILY.periodOf(Instant.parse("2026-05-20T12:00:00Z"));
    private static final ReporterIdentity US = ReporterIdentity.defaults("mx.example.net");

    private static List<ReportRecord> records(int count) {
        AggregateReportGenerator generator = new AggregateReportGenerator(7, ReportFormat.RFC9990, "example.org");
        List<ReportRecord> records = new ArrayList<>();
        generator.records(count).forEachRemaining(records::add);
        return records;
    }

    private static AggregateReportParts parts(long limit) {
        AggregateReportGenerator generator = new AggregateReportGenerator(7, ReportFormat.RFC9990, "example.org");
        return new AggregateReportParts(ReportFormat.RFC9990, US, generator.header().policyPublished(), DAY, "1779235200.abcdef012345",
            limit);
    }

    @Test
    void underTheLimitOneReportKeepsTheId() throws Exception {
        List<ReportPart> parts = parts(5_242_880).write(records(500));

        assertThat(parts).singleElement().satisfies(part -> {
            assertThat(part.reportId()).isEqualTo("1779235200.abcdef012345");
            assertThat(part.fileName()).isEqualTo("mx.example.net!example.org!1779235200!1779321599!1779235200.abcdef012345.xml.gz");
            assertThat(part.records()).isEqualTo(500);
        });
        ParsedAggregateReport parsed = read(parts.get(0));
        assertThat(parsed.records()).hasSize(500);
        assertThat(parsed.report().metadata().dateRange().end()).isEqualTo(Instant.parse("2026-05-20T23:59:59Z"));
        assertThat(parsed.report().metadata().generator()).contains("james-dmarc");
    }

    @Test
    void overTheLimitEveryRecordGoesIntoExactlyOnePartEachWithinTheLimit() throws Exception {
        List<ReportRecord> records = records(3_000);
        for (long limit : new long[] {2_048, 10_000, 60_000}) {
            List<ReportPart> parts = parts(limit).write(records);

            assertThat(parts.size()).as("limit %d", limit).isGreaterThan(1);
            List<ReportRecord> back = new ArrayList<>();
            for (ReportPart part : parts) {
                assertThat(part.gzip().length).as("limit %d, part %d", limit, part.number()).isLessThanOrEqualTo((int) limit);
                assertThat(part.reportId()).isEqualTo(part.number() == 1 ? "1779235200.abcdef012345"
                    : "1779235200.abcdef012345-" + part.number());
                ParsedAggregateReport parsed = read(part);
                assertThat(parsed.report().metadata().reportId()).isEqualTo(part.reportId());
                back.addAll(parsed.records());
            }
            assertThat(back).extracting(ReportRecord::count).containsExactlyElementsOf(records.stream().map(ReportRecord::count).toList());
            assertThat(back).extracting(r -> r.sourceIp().text())
                .containsExactlyElementsOf(records.stream().map(r -> r.sourceIp().text()).toList());
            // building again gives the same parts: a re-send keeps ids, names and bytes
            List<ReportPart> again = parts(limit).write(records);
            assertThat(again).extracting(ReportPart::fileName).containsExactlyElementsOf(parts.stream().map(ReportPart::fileName).toList());
            assertThat(again).extracting(ReportPart::records).containsExactlyElementsOf(parts.stream().map(ReportPart::records).toList());
        }
    }

    @Test
    void aRecordAloneLargerThanTheLimitIsRefusedNotTruncated() {
        ReportRecord huge = records(1).get(0);
        String longDomain = "x".repeat(60) + ".example";
        List<io.jamesdmarc.model.aggregate.DkimAuthResult> dkim = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            dkim.add(new io.jamesdmarc.model.aggregate.DkimAuthResult(longDomain + i, java.util.Optional.of("selector" + i + "-"
                + Long.toHexString(i * 0x9E3779B97F4A7C15L)), io.jamesdmarc.model.vocabulary.Enumerated.of(
                io.jamesdmarc.model.vocabulary.DkimResult.PASS), java.util.Optional.empty()));
        }
        ReportRecord big = new ReportRecord(huge.sourceIp(), huge.count(), huge.policyEvaluated(), huge.headerFrom(), huge.envelopeFrom(),
            huge.envelopeTo(), dkim, huge.spf(), List.of());

        assertThatThrownBy(() -> parts(2_048).write(List.of(big))).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("alone is larger than the limit of 2048 bytes");
        assertThatThrownBy(() -> parts(1_000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void periodsAreAlignedToUtcBoundaries() {
        assertThat(SendFrequency.HOURLY.periodOf(Instant.parse("2026-05-20T10:59:59.999Z")))
            .isEqualTo(new ReportPeriod(Instant.parse("2026-05-20T10:00:00Z"), Instant.parse("2026-05-20T11:00:00Z")));
        assertThat(SendFrequency.DAILY.periodOf(Instant.parse("2026-05-20T00:00:00Z")))
            .isEqualTo(new ReportPeriod(Instant.parse("2026-05-20T00:00:00Z"), Instant.parse("2026-05-21T00:00:00Z")));
        assertThat(SendFrequency.WEEKLY.periodOf(Instant.parse("2026-05-17T23:00:00Z")).begin())
            .isEqualTo(Instant.parse("2026-05-11T00:00:00Z"));
        assertThat(SendFrequency.DAILY.lastCompleteBefore(Instant.parse("2026-05-21T00:00:00Z")))
            .isEqualTo(SendFrequency.DAILY.periodOf(Instant.parse("2026-05-20T05:00:00Z")));
        assertThat(SendFrequency.DAILY.lastCompleteBefore(Instant.parse("2026-05-21T00:00:01Z")))
            .isEqualTo(SendFrequency.DAILY.periodOf(Instant.parse("2026-05-20T05:00:00Z")));
        assertThat(ReportPeriod.parse("2026-05-20")).isEqualTo(DAY);
        assertThat(ReportPeriod.parse("2026-05-20T00:00:00Z/2026-05-20T01:00:00Z").end()).isEqualTo(Instant.parse("2026-05-20T01:00:00Z"));
        assertThatThrownBy(() -> SendFrequency.NEVER.periodOf(Instant.EPOCH)).isInstanceOf(IllegalStateException.class);
    }

    private static ParsedAggregateReport read(ReportPart part) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(part.gzip()))) {
            return AggregateReportReader.withDefaultLimits().readAll(ByteSource.wrap(in.readAllBytes()));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
