package io.jamesdmarc.model.aggregate;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.io.Writer;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.OverrideType;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;
import io.jamesdmarc.model.vocabulary.Vocabulary;

/**
 * Writes an aggregate report as XML that validates against its format's schema, streaming: the
 * header when opened, then records one at a time, then the end when closed, so 200,000 records
 * never sit in memory.
 *
 * <pre>{@code
 * try (AggregateReportWriter writer = AggregateReportWriter.open(gzipStream, ReportFormat.RFC9990, header)) {
 *     writer.writeAll(records);
 * }
 * }</pre>
 *
 * <p>{@link ReportFormat#RFC9990} (the default): namespace {@code urn:ietf:params:xml:ns:dmarc-2.0},
 * {@code <version>1.0</version>}. Left out because RFC 9990 has no place for them: {@code pct},
 * {@code psd}, SPF results of scope helo, override reasons {@code forwarded} and {@code sampled_out}.
 *
 * <p>{@link ReportFormat#RFC7489}: the root {@code feedback} in the appendix C schema's namespace
 * {@code http://dmarc.org/dmarc-xml/0.1} with unqualified children, as that schema (which has no
 * elementFormDefault) requires. Filled in because the schema requires them: {@code version} 1.0,
 * {@code pct} 100 and {@code fo} 0 when absent, an empty {@code envelope_from}, an SPF scope of
 * mfrom, and an SPF result of none for the envelope domain when a record has none. IPv6 addresses
 * are written in full eight-group form, the only one the schema's pattern admits. Left out:
 * {@code np}, {@code testing}, {@code discovery_method}, {@code psd}, {@code generator}, SPF
 * {@code human_result}, extensions, and override reasons of type {@code policy_test_mode}.
 *
 * <p>Values a format cannot carry (a vocabulary value it lacks or an unknown one, a source IP that
 * is no address, a missing DKIM selector in RFC 9990, a negative count...) are refused with an
 * {@link IllegalArgumentException} naming the record and field; the record is then not written, so
 * the output never holds invalid XML. Characters XML forbids are dropped.
 */
public final class AggregateReportWriter implements Closeable {

    private static final String INDENT = "  ";

    private final ReportFormat format;
    private final Writer out;
    private final StringBuilder buffer = new StringBuilder(2048);
    private long records;
    private boolean closed;

    private AggregateReportWriter(OutputStream out, ReportFormat format) {
        this.format = format;
        this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
    }

    /** Starts an RFC 9990 report: writes the XML declaration, the root element and the header. */
    public static AggregateReportWriter open(OutputStream out, AggregateReport header) throws IOException {
        return open(out, ReportFormat.RFC9990, header);
    }

    /**
     * Starts a report in {@code format} (whatever format {@code header} was read in): writes the
     * XML declaration, the root element and the header.
     *
     * @throws IllegalArgumentException the header holds what {@code format} cannot carry
     */
    public static AggregateReportWriter open(OutputStream out, ReportFormat format, AggregateReport header) throws IOException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(header, "header");
        AggregateReportWriter writer = new AggregateReportWriter(out, format);
        writer.header(header);
        return writer;
    }

    /** A whole report in one call; closes {@code out}. */
    public static void write(OutputStream out, ReportFormat format, AggregateReport header,
                             Iterable<? extends ReportRecord> records) throws IOException {
        try (AggregateReportWriter writer = open(out, format, header)) {
            writer.writeAll(records.iterator());
        }
    }

    /**
     * Writes one record.
     *
     * @throws IllegalArgumentException the record holds what the format cannot carry; nothing of it was written
     */
    public void write(ReportRecord record) throws IOException {
        Objects.requireNonNull(record, "record");
        if (closed) {
            throw new IllegalStateException("the report was closed");
        }
        buffer.setLength(0);
        record(record, records + 1);
        out.append(buffer);
        records++;
    }

    /** Writes every record {@code records} yields, one at a time. */
    public void writeAll(Iterator<? extends ReportRecord> records) throws IOException {
        while (records.hasNext()) {
            write(records.next());
        }
    }

    public long recordsWritten() {
        return records;
    }

    /**
     * Hands what was written so far to the output stream (and calls its {@code flush()}), so that a
     * caller counting the stream's bytes knows the size of the XML up to the last record.
     */
    public void flush() throws IOException {
        out.flush();
    }

    /**
     * Ends the report and closes the stream.
     *
     * @throws IllegalStateException no record was written: both schemas require at least one, so
     *                               the output is not a valid report (the stream is closed all the same)
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (records == 0) {
                throw new IllegalStateException("an aggregate report needs at least one <record>: "
                    + "both schemas require one, so no report was completed");
            }
            out.append(format == ReportFormat.RFC9990 ? "</feedback>\n" : "</dmarc:feedback>\n");
            out.flush();
        } finally {
            out.close();
        }
    }

    // ---------------------------------------------------------------- header

    private void header(AggregateReport header) throws IOException {
        buffer.setLength(0);
        buffer.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        if (format == ReportFormat.RFC9990) {
            buffer.append("<feedback xmlns=\"").append(format.namespace()).append("\">\n");
        } else {
            buffer.append("<dmarc:feedback xmlns:dmarc=\"").append(format.namespace()).append("\">\n");
        }
        element(1, "version", format.version());
        metadata(header.metadata());
        policy(header.policyPublished());
        if (format == ReportFormat.RFC9990) {
            if (header.extensions().size() > 1) {
                throw refused("header", "RFC 9990 allows one top-level <extension>, the report has " + header.extensions().size());
            }
            for (String extension : header.extensions()) {
                raw(1, extension, "top-level extension", true);
            }
        }
        out.append(buffer);
    }

    private void metadata(ReportMetadata metadata) {
        if (metadata.reportId().isBlank()) {
            throw refused("report_metadata", "report_id is empty");
        }
        DateRange range = metadata.dateRange();
        if (range.begin().getEpochSecond() < 0 || range.end().getEpochSecond() < 0) {
            throw refused("report_metadata", "date_range is before 1970: " + range);
        }
        open(1, "report_metadata");
        element(2, "org_name", metadata.orgName());
        element(2, "email", metadata.email());
        metadata.extraContactInfo().ifPresent(info -> element(2, "extra_contact_info", info));
        element(2, "report_id", metadata.reportId());
        open(2, "date_range");
        element(3, "begin", Long.toString(range.begin().getEpochSecond()));
        element(3, "end", Long.toString(range.end().getEpochSecond()));
        close(2, "date_range");
        if (format == ReportFormat.RFC9990 && metadata.errors().size() > 1) {
            throw refused("report_metadata", "RFC 9990 allows one <error>, the report has " + metadata.errors().size());
        }
        metadata.errors().forEach(error -> element(2, "error", error));
        if (format == ReportFormat.RFC9990) {
            metadata.generator().ifPresent(generator -> element(2, "generator", generator));
        }
        close(1, "report_metadata");
    }

    private void policy(PolicyPublished policy) {
        if (policy.domain().isBlank()) {
            throw refused("policy_published", "domain is empty");
        }
        open(1, "policy_published");
        element(2, "domain", policy.domain());
        element(2, "adkim", token(policy.adkim(), "policy_published", "adkim"));
        element(2, "aspf", token(policy.aspf(), "policy_published", "aspf"));
        element(2, "p", token(policy.p(), "policy_published", "p"));
        element(2, "sp", token(policy.sp(), "policy_published", "sp"));
        if (format == ReportFormat.RFC9990) {
            policy.np().ifPresent(np -> element(2, "np", token(np, "policy_published", "np")));
            policy.discoveryMethod().ifPresent(method ->
                element(2, "discovery_method", token(method, "policy_published", "discovery_method")));
            policy.fo().ifPresent(fo -> element(2, "fo", fo));
            policy.testing().ifPresent(testing -> element(2, "testing", token(testing, "policy_published", "testing")));
        } else {
            int pct = policy.pct().orElse(100);
            if (pct < 0 || pct > 100) {
                throw refused("policy_published", "pct " + pct + " is not a percentage");
            }
            element(2, "pct", Integer.toString(pct));
            element(2, "fo", policy.fo().orElse("0"));
        }
        close(1, "policy_published");
    }

    // ---------------------------------------------------------------- records

    private void record(ReportRecord record, long number) {
        String where = "record " + number;
        if (record.count() < 0) {
            throw refused(where, "count " + record.count() + " is negative");
        }
        open(1, "record");
        open(2, "row");
        element(3, "source_ip", sourceIp(record.sourceIp(), where));
        element(3, "count", Long.toString(record.count()));
        policyEvaluated(record.policyEvaluated(), where);
        close(2, "row");
        identifiers(record, where);
        authResults(record, where);
        if (format == ReportFormat.RFC9990) {
            for (String extension : record.extensions()) {
                raw(2, extension, where + " extension", false);
            }
        }
        close(1, "record");
    }

    private String sourceIp(SourceIp ip, String where) {
        InetAddress address = ip.address()
            .orElseThrow(() -> refused(where, "source_ip '" + ip.raw() + "' is not an IP address"));
        if (format == ReportFormat.RFC7489 && address instanceof Inet6Address) {
            return fullIpv6(address.getAddress());
        }
        if (address instanceof Inet4Address || address instanceof Inet6Address) {
            return ip.text();
        }
        throw refused(where, "source_ip '" + ip.raw() + "' is not an IP address");
    }

    /** Eight groups of up to four hex digits: the only IPv6 form RFC 7489's schema pattern admits. */
    private static String fullIpv6(byte[] bytes) {
        StringBuilder text = new StringBuilder(39);
        for (int group = 0; group < 8; group++) {
            if (group > 0) {
                text.append(':');
            }
            text.append(Integer.toHexString(((bytes[2 * group] & 0xFF) << 8) | (bytes[2 * group + 1] & 0xFF)));
        }
        return text.toString();
    }

    private void policyEvaluated(PolicyEvaluated evaluated, String where) {
        Enumerated<Disposition> disposition = evaluated.disposition();
        if (format == ReportFormat.RFC7489 && disposition.is(Disposition.PASS)) {
            throw refused(where, "RFC 7489 has no disposition 'pass' (an RFC 9990 value)");
        }
        open(3, "policy_evaluated");
        element(4, "disposition", token(disposition, where, "policy_evaluated/disposition"));
        element(4, "dkim", token(evaluated.dkim()
            .orElseThrow(() -> refused(where, "policy_evaluated has no dkim result, which both schemas require")),
            where, "policy_evaluated/dkim"));
        element(4, "spf", token(evaluated.spf()
            .orElseThrow(() -> refused(where, "policy_evaluated has no spf result, which both schemas require")),
            where, "policy_evaluated/spf"));
        for (PolicyOverrideReason reason : evaluated.reasons()) {
            OverrideType type = known(reason.type(), where, "policy_evaluated/reason/type");
            if (!formatHas(type)) {
                continue;
            }
            open(4, "reason");
            element(5, "type", type.token());
            reason.comment().ifPresent(comment -> element(5, "comment", comment));
            close(4, "reason");
        }
        close(3, "policy_evaluated");
    }

    private boolean formatHas(OverrideType type) {
        return format == ReportFormat.RFC9990
            ? type != OverrideType.FORWARDED && type != OverrideType.SAMPLED_OUT
            : type != OverrideType.POLICY_TEST_MODE;
    }

    private void identifiers(ReportRecord record, String where) {
        String headerFrom = record.headerFrom()
            .orElseThrow(() -> refused(where, "no header_from, which both schemas require"));
        open(2, "identifiers");
        if (format == ReportFormat.RFC9990) {
            element(3, "header_from", headerFrom);
            record.envelopeFrom().ifPresent(from -> element(3, "envelope_from", from));
            record.envelopeTo().ifPresent(to -> element(3, "envelope_to", to));
        } else {
            record.envelopeTo().ifPresent(to -> element(3, "envelope_to", to));
            element(3, "envelope_from", record.envelopeFrom().orElse(""));
            element(3, "header_from", headerFrom);
        }
        close(2, "identifiers");
    }

    private void authResults(ReportRecord record, String where) {
        List<SpfAuthResult> spf = spfResults(record, where);
        open(2, "auth_results");
        for (DkimAuthResult dkim : record.dkim()) {
            open(3, "dkim");
            element(4, "domain", dkim.domain());
            if (dkim.selector().isPresent()) {
                element(4, "selector", dkim.selector().get());
            } else if (format == ReportFormat.RFC9990) {
                throw refused(where, "the DKIM result for '" + dkim.domain() + "' has no selector, which RFC 9990 requires");
            }
            element(4, "result", token(dkim.result(), where, "auth_results/dkim/result"));
            dkim.humanResult().ifPresent(human -> element(4, "human_result", human));
            close(3, "dkim");
        }
        for (SpfAuthResult result : spf) {
            SpfResult value = known(result.result(), where, "auth_results/spf/result");
            if (format == ReportFormat.RFC7489 && value == SpfResult.POLICY) {
                throw refused(where, "RFC 7489 has no SPF result 'policy'");
            }
            open(3, "spf");
            element(4, "domain", result.domain());
            if (format == ReportFormat.RFC7489) {
                element(4, "scope", result.scope().map(scope -> known(scope, where, "auth_results/spf/scope").token())
                    .orElse(SpfScope.MFROM.token()));
            } else if (result.scope().isPresent()) {
                element(4, "scope", SpfScope.MFROM.token());
            }
            element(4, "result", value.token());
            if (format == ReportFormat.RFC9990) {
                result.humanResult().ifPresent(human -> element(4, "human_result", human));
            }
            close(3, "spf");
        }
        close(2, "auth_results");
    }

    /** The SPF results the format carries: RFC 9990 one of scope mfrom at most; RFC 7489 at least one. */
    private List<SpfAuthResult> spfResults(ReportRecord record, String where) {
        if (format == ReportFormat.RFC9990) {
            List<SpfAuthResult> mfrom = new ArrayList<>(1);
            for (SpfAuthResult spf : record.spf()) {
                if (spf.scope().isEmpty() || known(spf.scope().get(), where, "auth_results/spf/scope") == SpfScope.MFROM) {
                    mfrom.add(spf);
                }
            }
            if (mfrom.size() > 1) {
                throw refused(where, "RFC 9990 allows one SPF result (scope mfrom), the record has " + mfrom.size());
            }
            return mfrom;
        }
        if (!record.spf().isEmpty()) {
            return record.spf();
        }
        String domain = record.envelopeFrom().or(record::headerFrom).orElse("");
        return List.of(new SpfAuthResult(domain, Optional.of(Enumerated.of(SpfScope.MFROM)),
            Enumerated.of(SpfResult.NONE), Optional.empty()));
    }

    // ---------------------------------------------------------------- values

    private <E extends Enum<E> & Vocabulary> String token(Enumerated<E> value, String where, String field) {
        return known(value, where, field).token();
    }

    private static <E extends Enum<E> & Vocabulary> E known(Enumerated<E> value, String where, String field) {
        if (!value.isKnown()) {
            throw refused(where, field + " '" + value.raw() + "' is not a value of the standard");
        }
        return value.known();
    }

    /**
     * Writes extension XML as given, once it proved a single well-formed element (for the top
     * level, RFC 9990's {@code <extension>}).
     */
    private void raw(int depth, String xml, String what, boolean topLevel) {
        checkExtension(xml, what, topLevel);
        indent(depth);
        buffer.append(xml).append('\n');
    }

    private static void checkExtension(String xml, String what, boolean topLevel) {
        if (XmlEscaping.hasIllegalCharacter(xml)) {
            throw refused(what, "has characters XML does not allow");
        }
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        String wrapped = "<wrapper xmlns=\"" + ReportFormat.RFC9990.namespace() + "\">" + xml + "</wrapper>";
        try {
            XMLStreamReader reader = factory.createXMLStreamReader(new StringReader(wrapped));
            int depth = 0;
            int elements = 0;
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    depth++;
                    if (depth == 2) {
                        elements++;
                        if (topLevel && !(reader.getLocalName().equals("extension")
                            && ReportFormat.RFC9990.namespace().equals(reader.getNamespaceURI()))) {
                            throw refused(what, "is not an <extension> element of RFC 9990's namespace");
                        }
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                } else if (depth == 1 && (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA)
                    && !reader.isWhiteSpace()) {
                    throw refused(what, "has text outside its element");
                }
            }
            if (elements != 1) {
                throw refused(what, "must be exactly one element, is " + elements);
            }
        } catch (XMLStreamException e) {
            throw refused(what, "is not well-formed XML: " + e.getMessage());
        }
    }

    private void element(int depth, String name, String text) {
        indent(depth);
        buffer.append('<').append(name).append('>');
        XmlEscaping.appendText(buffer, text);
        buffer.append("</").append(name).append(">\n");
    }

    private void open(int depth, String name) {
        indent(depth);
        buffer.append('<').append(name).append(">\n");
    }

    private void close(int depth, String name) {
        indent(depth);
        buffer.append("</").append(name).append(">\n");
    }

    private void indent(int depth) {
        for (int i = 0; i < depth; i++) {
            buffer.append(INDENT);
        }
    }

    private static IllegalArgumentException refused(String where, String why) {
        return new IllegalArgumentException(where + ": " + why);
    }
}
