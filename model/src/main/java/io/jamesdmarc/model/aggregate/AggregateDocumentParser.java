package io.jamesdmarc.model.aggregate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.jamesdmarc.model.Limit;
import io.jamesdmarc.model.LimitExceededException;
import io.jamesdmarc.model.ReportParseException;

/**
 * One pass over one aggregate report document: finds {@code <feedback>} (the root, or inside a
 * wrapper), reads the header, hands it over before the first record, then each record as it is
 * read. Elements are matched by local name, so any namespace or prefix is accepted. What follows
 * {@code </feedback>} is ignored, with a warning when it is more than whitespace.
 *
 * <p>Records before the header (rare) are skipped in this pass, which stops as soon as the header
 * is known ({@link RecordsBeforeHeader}); the next pass streams them after it.
 */
final class AggregateDocumentParser {

    /** Where the header and records go. */
    interface Delivery {
        /** @param asciiOnly the header was read from US-ASCII text only, which any fallback charset reads the same */
        void header(AggregateReport header, boolean asciiOnly);

        /** @param number 1-based, in document order */
        void record(long number, ReportRecord record);
    }

    /** Records came before the header: the pass stops once the header is known, and the document is read again. */
    static final class RecordsBeforeHeader extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient AggregateReport header;
        private final boolean asciiOnly;

        RecordsBeforeHeader(AggregateReport header, boolean asciiOnly) {
            super(null, null, false, false);
            this.header = header;
            this.asciiOnly = asciiOnly;
        }

        AggregateReport header() {
            return header;
        }

        boolean asciiOnly() {
            return asciiOnly;
        }
    }

    private final XmlCursor cursor;
    private final HeaderReader headerReader;
    private final XmlCharacterReader characters;
    private final Delivery delivery;
    private final ReadWarnings warnings;
    private final AggregateReport knownHeader;
    private final boolean knownHeaderAscii;

    private String rootNamespace;
    private Optional<String> version = Optional.empty();
    private ReportMetadata metadata;
    private PolicyPublished policy;
    private final List<String> extensions = new ArrayList<>();
    private boolean headerDelivered;
    private boolean recordsBeforeHeader;

    private long records;
    private long countSum;
    private long dmarcPassCount;

    /**
     * @param knownHeader the header an earlier pass found after records, handed over before the first record; or null
     */
    AggregateDocumentParser(XmlCursor cursor, XmlCharacterReader characters, Delivery delivery, ReadWarnings warnings,
                            AggregateReport knownHeader, boolean knownHeaderAscii) {
        this.cursor = cursor;
        this.headerReader = new HeaderReader(cursor);
        this.characters = characters;
        this.delivery = delivery;
        this.warnings = warnings;
        this.knownHeader = knownHeader;
        this.knownHeaderAscii = knownHeaderAscii;
    }

    AggregateReadSummary parse() throws ReportParseException, RecordsBeforeHeader {
        if (!cursor.nextChild()) {
            throw cursor.notAReport("the document has no element");
        }
        if (!cursor.localName().equals("feedback")) {
            findWrappedFeedback();
        }
        feedback();
        cursor.describeTrailingContent().ifPresent(where -> warnings.add("ignored what follows </feedback>: " + where));
        if (characters.removedCharacters() > 0) {
            warnings.add("removed " + characters.removedCharacters()
                + " characters that XML does not allow (control characters)");
        }
        return new AggregateReadSummary(header(), records, countSum, dmarcPassCount, warnings.toList());
    }

    /** A root that is not feedback may wrap it (IKEA sent one inside an unclosed {@code <xs:schema>}). */
    private void findWrappedFeedback() throws ReportParseException {
        String root = cursor.qualifiedName();
        while (cursor.nextChild()) {
            if (cursor.localName().equals("feedback")) {
                warnings.add("the <feedback> element is wrapped in <" + root + ">: read the report inside it");
                return;
            }
            cursor.skipElement();
        }
        throw cursor.notAReport("the root element is <" + root + ">, not <feedback>");
    }

    private void feedback() throws ReportParseException, RecordsBeforeHeader {
        rootNamespace = cursor.namespaceUri();
        while (cursor.nextChild()) {
            switch (cursor.localName()) {
                case "version" -> version = cursor.optionalText();
                case "report_metadata" -> {
                    if (metadata != null) {
                        warnings.add("ignored a second <report_metadata> at " + cursor.location());
                        cursor.skipElement();
                    } else {
                        metadata = headerReader.metadata();
                        headerSectionRead();
                    }
                }
                case "policy_published" -> {
                    if (policy != null) {
                        warnings.add("ignored a second <policy_published> at " + cursor.location());
                        cursor.skipElement();
                    } else {
                        policy = headerReader.policyPublished();
                        headerSectionRead();
                    }
                }
                case "extension" -> cursor.addRepeated(extensions, cursor.rawXml(), "top-level <extension>");
                case "record" -> record();
                default -> cursor.ignoreUnknown("feedback");
            }
        }
        if (!headerDelivered) {
            deliverHeader();
        }
    }

    private void headerSectionRead() throws ReportParseException, RecordsBeforeHeader {
        if (recordsBeforeHeader && metadata != null && policy != null) {
            throw new RecordsBeforeHeader(header(), !characters.nonAsciiSeen());
        }
    }

    private void deliverHeader() throws ReportParseException {
        headerDelivered = true;
        if (knownHeader != null) {
            delivery.header(knownHeader, knownHeaderAscii);
        } else {
            delivery.header(header(), !characters.nonAsciiSeen());
        }
    }

    /** The header as read so far; fails when what every report has is missing. */
    private AggregateReport header() throws ReportParseException {
        if (metadata == null) {
            throw cursor.notAReport("<feedback> has no <report_metadata>");
        }
        if (policy == null) {
            throw cursor.notAReport("<feedback> has no <policy_published>");
        }
        ReportFormat format = ReportFormat.ofNamespace(rootNamespace).orElse(ReportFormat.RFC7489);
        if (headerReader.sawRfc9990Elements()) {
            format = ReportFormat.RFC9990;
        }
        return new AggregateReport(format, version, metadata, policy, extensions);
    }

    private void record() throws ReportParseException, RecordsBeforeHeader {
        records++;
        long maxRecords = cursor.limits().maxRecords();
        if (records > maxRecords) {
            throw new LimitExceededException(Limit.RECORDS, maxRecords, "record " + records + ", " + cursor.location());
        }
        if (!headerDelivered) {
            if (knownHeader == null && (metadata == null || policy == null)) {
                recordsBeforeHeader = true;
                cursor.skipElement();
                return;
            }
            deliverHeader();
        }
        cursor.enterRecord(records);
        ReportRecord record = RecordReader.read(cursor);
        try {
            countSum = Math.addExact(countSum, record.count());
            if (record.policyEvaluated().dmarcPass()) {
                dmarcPassCount = Math.addExact(dmarcPassCount, record.count());
            }
        } catch (ArithmeticException overflow) {
            throw cursor.notAReport("the sum of the counts passes " + Long.MAX_VALUE);
        } finally {
            cursor.leaveRecord();
        }
        delivery.record(records, record);
    }
}
