package io.jamesdmarc.model.outbound;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.AggregateReportWriter;
import io.jamesdmarc.model.aggregate.DateRange;
import io.jamesdmarc.model.aggregate.PolicyEvaluated;
import io.jamesdmarc.model.aggregate.PolicyPublished;
import io.jamesdmarc.model.aggregate.ReportFormat;
import io.jamesdmarc.model.aggregate.ReportMetadata;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.Enumerated;

/**
 * Writes the aggregate report of one policy domain, policy configuration and period as gzipped XML,
 * split into several reports when one would be larger than the size limit: never truncated, never a
 * record dropped. Each part is a complete report with its own id: the first keeps the period's
 * report id, the others add {@code -2}, {@code -3}... Building again from the same records gives the
 * same parts, ids and file names (a re-send keeps them).
 *
 * <p>The limit is on the gzipped file (the attachment before base64). The XML is streamed into gzip
 * record by record; the compressed size is known exactly only after a deflate sync flush, so a flush
 * is made only when a bound (compressed so far plus what is pending, uncompressed) passes the limit:
 * reports far from the limit pay no flush at all. A part found over the limit after its last record
 * is written again without that record.
 */
public final class AggregateReportParts {

    /** The smallest limit accepted: a report's header and one record fit in it. */
    public static final long MIN_LIMIT = 2048;
    /** What the end of the report ({@code </feedback>}, the final deflate block, gzip's trailer) may take. */
    private static final int TRAILER_RESERVE = 64;
    private static final int BUFFER = 64 * 1024;

    private final ReportFormat format;
    private final ReporterIdentity identity;
    private final PolicyPublished policy;
    private final ReportPeriod period;
    private final String reportId;
    private final long limit;

    /**
     * @param reportId the id of the first part
     * @param limit the most bytes a gzipped part may have
     */
    public AggregateReportParts(ReportFormat format, ReporterIdentity identity, PolicyPublished policy, ReportPeriod period,
                                String reportId, long limit) {
        this.format = Objects.requireNonNull(format, "format");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.period = Objects.requireNonNull(period, "period");
        this.reportId = Objects.requireNonNull(reportId, "reportId");
        if (limit < MIN_LIMIT) {
            throw new IllegalArgumentException("a report size limit below " + MIN_LIMIT + " bytes cannot hold a report: " + limit);
        }
        this.limit = limit;
    }

    /** The id of part {@code number}: the period's report id, then {@code id-2}, {@code id-3}... */
    public static String partId(String reportId, int number) {
        return number == 1 ? reportId : reportId + "-" + number;
    }

    /**
     * The report file's name (RFC 9990): {@code receiver!policy-domain!begin!end!id.xml.gz}, begin and
     * end as in {@code date_range}.
     */
    public static String fileName(String receiver, String policyDomain, ReportPeriod period, String id) {
        return receiver + "!" + policyDomain + "!" + period.begin().getEpochSecond() + "!" + lastSecond(period).getEpochSecond() + "!"
            + id.replace('!', '_') + ".xml.gz";
    }

    /**
     * The report's {@code date_range/end}: the last second the period covers (periods are half-open),
     * as the large reporters write it (a day is begin to begin + 86399).
     */
    public static Instant lastSecond(ReportPeriod period) {
        return period.end().minusSeconds(1);
    }

    /**
     * The parts: one when all records fit in the limit.
     *
     * @param records at least one
     * @throws IllegalArgumentException a record cannot be written in the format, or is alone larger than the limit
     */
    public List<ReportPart> write(List<? extends ReportRecord> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("an aggregate report needs at least one record");
        }
        List<ReportPart> parts = new ArrayList<>();
        int start = 0;
        while (start < records.size()) {
            int number = parts.size() + 1;
            int end = records.size();
            while (true) {
                Attempt attempt = attempt(number, records, start, end);
                if (attempt.part().isPresent()) {
                    parts.add(attempt.part().get());
                    start += attempt.part().get().records();
                    break;
                }
                if (attempt.overflowAt() <= start) {
                    throw new IllegalArgumentException("record " + (start + 1) + " of the report alone is larger than the limit of "
                        + limit + " bytes");
                }
                end = attempt.overflowAt();
            }
        }
        return List.copyOf(parts);
    }

    private record Attempt(Optional<ReportPart> part, int overflowAt) {
    }

    private Attempt attempt(int number, List<? extends ReportRecord> records, int start, int end) {
        String id = partId(reportId, number);
        Counting compressed = new Counting(new ByteArrayOutputStream(BUFFER));
        try {
            GZIPOutputStream gzip = new GZIPOutputStream(compressed, BUFFER, true);
            Counting xml = new Counting(gzip);
            long messages = 0;
            int written = 0;
            AggregateReportWriter writer = AggregateReportWriter.open(xml.withoutFlush(), format, header(id));
            writer.flush();
            gzip.flush();
            long syncedCompressed = compressed.count;
            long syncedXml = xml.count;
            for (int i = start; i < end; i++) {
                ReportRecord record = inFormat(records.get(i));
                writer.write(record);
                writer.flush();
                written++;
                messages += record.count();
                long pending = xml.count - syncedXml;
                long bound = syncedCompressed + pending + 5 * (pending / 16_000 + 1) + TRAILER_RESERVE;
                if (bound > limit) {
                    gzip.flush();
                    syncedCompressed = compressed.count;
                    syncedXml = xml.count;
                    if (syncedCompressed + TRAILER_RESERVE > limit) {
                        return new Attempt(Optional.empty(), i);
                    }
                }
            }
            writer.close();
            if (compressed.count > limit) {
                return new Attempt(Optional.empty(), start + written - 1);
            }
            byte[] bytes = ((ByteArrayOutputStream) compressed.target()).toByteArray();
            return new Attempt(Optional.of(new ReportPart(number, id, fileName(identity.receiverDomain(), policy.domain(), period, id),
                bytes, xml.count, written, messages)), end);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
    }

    /**
     * The record as the format says it: RFC 7489 has no disposition {@code pass} (RFC 9990's "the
     * message passed, no policy applied"), which it calls {@code none}.
     */
    private ReportRecord inFormat(ReportRecord record) {
        PolicyEvaluated evaluated = record.policyEvaluated();
        if (format != ReportFormat.RFC7489 || !evaluated.disposition().is(Disposition.PASS)) {
            return record;
        }
        return new ReportRecord(record.sourceIp(), record.count(), new PolicyEvaluated(Enumerated.of(Disposition.NONE), evaluated.dkim(),
            evaluated.spf(), evaluated.reasons()), record.headerFrom(), record.envelopeFrom(), record.envelopeTo(), record.dkim(),
            record.spf(), record.extensions());
    }

    private AggregateReport header(String id) {
        ReportMetadata metadata = new ReportMetadata(identity.orgName(), identity.fromAddress(), identity.contactInfo(), id,
            new DateRange(period.begin(), lastSecond(period)), List.of(), Optional.of(identity.generator()));
        return new AggregateReport(format, Optional.of(format.version()), metadata, policy, List.of());
    }

    /** Counts the bytes going through. */
    private static final class Counting extends FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        OutputStream target() {
            return out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        /** This stream, with {@code flush()} not passed on: the writer's flushes must not make gzip sync-flush. */
        OutputStream withoutFlush() {
            Counting self = this;
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    self.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    self.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    self.close();
                }
            };
        }
    }
}
