package io.jamesdmarc.mailets.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.AggregateReportWriter;
import io.jamesdmarc.model.aggregate.ReportFormat;
import io.jamesdmarc.model.testing.AggregateReportGenerator;

/**
 * A realistic aggregate report made by the model test-jar's {@link AggregateReportGenerator}, gzipped,
 * and the report mail that carries it.
 *
 * @param header what the report says of itself (its id, reporter, policy domain, period)
 */
public record GeneratedReport(AggregateReport header, int records, byte[] gzippedXml) {

    /** A report of {@code records} records about {@code policyDomain}; the same seed gives the same report. */
    public static GeneratedReport of(long seed, String policyDomain, int records) {
        AggregateReportGenerator generator = new AggregateReportGenerator(seed, ReportFormat.RFC7489, policyDomain);
        AggregateReport header = generator.header();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (AggregateReportWriter writer = AggregateReportWriter.open(new GZIPOutputStream(out), ReportFormat.RFC7489, header)) {
            writer.writeAll(generator.records(records));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new GeneratedReport(header, records, out.toByteArray());
    }

    public String reportId() {
        return header.metadata().reportId();
    }

    /** The mail a reporter sends with this report attached. */
    public byte[] mail(String messageId) {
        return ReportMails.aggregate(messageId, header.policyPublished().domain(), reportId(), gzippedXml);
    }
}
