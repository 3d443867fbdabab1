package io.jamesdmarc.model.aggregate;

import static javax.xml.stream.XMLStreamConstants.CDATA;
import static javax.xml.stream.XMLStreamConstants.CHARACTERS;
import static javax.xml.stream.XMLStreamConstants.COMMENT;
import static javax.xml.stream.XMLStreamConstants.END_DOCUMENT;
import static javax.xml.stream.XMLStreamConstants.END_ELEMENT;
import static javax.xml.stream.XMLStreamConstants.PROCESSING_INSTRUCTION;
import static javax.xml.stream.XMLStreamConstants.SPACE;
import static javax.xml.stream.XMLStreamConstants.START_ELEMENT;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

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
import io.jamesdmarc.model.vocabulary.PsdFlag;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;
import io.jamesdmarc.model.vocabulary.Vocabulary;
import io.jamesdmarc.model.vocabulary.YesNo;

/**
 * One pass over one aggregate report document: walks the StAX events, element by element, handing
 * the header and then each record to a {@link Delivery}. Elements are matched by local name, so
 * any namespace or prefix is accepted. Everything tolerated is said in the warnings; what cannot be
 * read fails with a message that says where.
 */
final class AggregateDocumentParser {

    /** Where the header and records go. */
    interface Delivery {
        void header(AggregateReport header, boolean asciiOnly);

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

    /** The bytes are not valid in the charset the document declares; the caller may read it again in another one. */
    static final class UndecodableDocument extends ReportParseException {
        private static final long serialVersionUID = 1L;

        UndecodableDocument(String message, Throwable cause) {
            super(Problem.MALFORMED_XML, message, cause);
        }
    }

    /** More of one repeated header item (errors, extensions) than any report needs. */
    static final int MAX_REPEATED_ITEMS = 1000;

    private static final VocabularyTable<Alignment> ALIGNMENTS = new VocabularyTable<>(Alignment.class);
    private static final VocabularyTable<PolicyAction> POLICY_ACTIONS = new VocabularyTable<>(PolicyAction.class);
    private static final VocabularyTable<Disposition> DISPOSITIONS = new VocabularyTable<>(Disposition.class);
    private static final VocabularyTable<PolicyResult> POLICY_RESULTS = new VocabularyTable<>(PolicyResult.class);
    private static final VocabularyTable<OverrideType> OVERRIDE_TYPES = new VocabularyTable<>(OverrideType.class);
    private static final VocabularyTable<DkimResult> DKIM_RESULTS = new VocabularyTable<>(DkimResult.class);
    private static final VocabularyTable<SpfResult> SPF_RESULTS = new VocabularyTable<>(SpfResult.class);
    private static final VocabularyTable<SpfScope> SPF_SCOPES = new VocabularyTable<>(SpfScope.class);
    private static final VocabularyTable<YesNo> YES_NO = new VocabularyTable<>(YesNo.class);
    private static final VocabularyTable<DiscoveryMethod> DISCOVERY_METHODS = new VocabularyTable<>(DiscoveryMethod.class);
    private static final VocabularyTable<PsdFlag> PSD_FLAGS = new VocabularyTable<>(PsdFlag.class);

    private final XMLInputFactory factory;
    private final XmlCharacterReader characters;
    private XMLStreamReader xml;
    private final ParseLimits limits;
    private final Delivery delivery;
    private final ReadWarnings warnings;
    private final AggregateReport knownHeader;
    private final boolean knownHeaderAscii;
    private final TextBuffer text = new TextBuffer();

    private int depth;
    private long recordNumber;
    private boolean inRecord;

    private String rootNamespace;
    private boolean rfc9990Elements;
    private Optional<String> version = Optional.empty();
    private ReportMetadata metadata;
    private PolicyPublished policy;
    private final List<String> extensions = new ArrayList<>();
    private AggregateReport headerForRecords;
    private boolean recordsBeforeHeader;

    private long countSum;
    private long dmarcPassCount;

    AggregateDocumentParser(XMLInputFactory factory, XmlCharacterReader characters, ParseLimits limits, Delivery delivery,
                            ReadWarnings warnings, AggregateReport knownHeader, boolean knownHeaderAscii) {
        this.factory = factory;
        this.characters = characters;
        this.limits = limits;
        this.delivery = delivery;
        this.warnings = warnings;
        this.knownHeader = knownHeader;
        this.knownHeaderAscii = knownHeaderAscii;
    }

    AggregateReadSummary parse() throws ReportParseException, RecordsBeforeHeader {
        try {
            xml = factory.createXMLStreamReader(characters);
        } catch (XMLStreamException | RuntimeException e) {
            throw failure(e);
        }
        try {
            return parseDocument();
        } finally {
            try {
                xml.close();
            } catch (XMLStreamException ignored) {
                // releases parser buffers only; the input is closed by its owner
            }
        }
    }

    private AggregateReadSummary parseDocument() throws ReportParseException, RecordsBeforeHeader {
        if (nextTag() != START_ELEMENT) {
            throw notAReport("the document has no element");
        }
        if (!xml.getLocalName().equals("feedback")) {
            findWrappedFeedback();
        }
        parseFeedback();
        ignoreTrailingContent();
        if (characters.removedCharacters() > 0) {
            warnings.add("removed " + characters.removedCharacters()
                + " characters that XML does not allow (control characters)");
        }
        return new AggregateReadSummary(header(), recordNumber, countSum, dmarcPassCount, warnings.toList());
    }

    /** A root that is not feedback may wrap it (IKEA sent one inside an unclosed {@code <xs:schema>}). */
    private void findWrappedFeedback() throws ReportParseException {
        String root = qualifiedName();
        while (nextTag() == START_ELEMENT) {
            if (xml.getLocalName().equals("feedback")) {
                warnings.add("the <feedback> element is wrapped in <" + root + ">: read the report inside it");
                return;
            }
            skipElement();
        }
        throw notAReport("the root element is <" + root + ">, not <feedback>");
    }

    private void parseFeedback() throws ReportParseException, RecordsBeforeHeader {
        rootNamespace = xml.getNamespaceURI();
        while (nextTag() == START_ELEMENT) {
            switch (xml.getLocalName()) {
                case "version" -> version = optionalText();
                case "report_metadata" -> {
                    if (metadata != null) {
                        warnings.add("ignored a second <report_metadata> at " + location());
                        skipElement();
                    } else {
                        metadata = parseMetadata();
                        headerSectionRead();
                    }
                }
                case "policy_published" -> {
                    if (policy != null) {
                        warnings.add("ignored a second <policy_published> at " + location());
                        skipElement();
                    } else {
                        policy = parsePolicyPublished();
                        headerSectionRead();
                    }
                }
                case "extension" -> addRepeated(extensions, rawXml(), "top-level <extension>");
                case "record" -> record();
                default -> ignoreUnknown("feedback");
            }
        }
        if (headerForRecords == null) {
            headerForRecords = knownHeader != null ? knownHeader : header();
            delivery.header(headerForRecords, knownHeader != null ? knownHeaderAscii : !characters.nonAsciiSeen());
        }
    }

    private void headerSectionRead() throws ReportParseException, RecordsBeforeHeader {
        if (recordsBeforeHeader && metadata != null && policy != null) {
            throw new RecordsBeforeHeader(header(), !characters.nonAsciiSeen());
        }
    }

    /** The header as read so far; fails when what every report has is missing. */
    private AggregateReport header() throws ReportParseException {
        if (metadata == null) {
            throw notAReport("<feedback> has no <report_metadata>");
        }
        if (policy == null) {
            throw notAReport("<feedback> has no <policy_published>");
        }
        ReportFormat format = ReportFormat.ofNamespace(rootNamespace)
            .orElse(rfc9990Elements ? ReportFormat.RFC9990 : ReportFormat.RFC7489);
        if (format == ReportFormat.RFC7489 && rfc9990Elements) {
            format = ReportFormat.RFC9990;
        }
        return new AggregateReport(format, version, metadata, policy, extensions);
    }

    // ---------------------------------------------------------------- header

    private ReportMetadata parseMetadata() throws ReportParseException {
        String orgName = null;
        String email = null;
        Optional<String> extraContactInfo = Optional.empty();
        String reportId = null;
        DateRange dateRange = null;
        List<String> errors = new ArrayList<>();
        Optional<String> generator = Optional.empty();
        while (nextTag() == START_ELEMENT) {
            switch (xml.getLocalName()) {
                case "org_name" -> orgName = requiredText();
                case "email" -> email = requiredText();
                case "extra_contact_info" -> extraContactInfo = optionalText();
                case "report_id" -> reportId = requiredText();
                case "date_range" -> dateRange = parseDateRange();
                case "data_range" -> {
                    warnings.add("read <data_range> as <date_range>");
                    dateRange = parseDateRange();
                }
                case "error" -> optionalText().ifPresent(error -> errors.add(error));
                case "generator" -> {
                    rfc9990Elements = true;
                    generator = optionalText();
                }
                default -> ignoreUnknown("report_metadata");
            }
            if (errors.size() > MAX_REPEATED_ITEMS) {
                throw notAReport("more than " + MAX_REPEATED_ITEMS + " <error> elements");
            }
        }
        if (reportId == null || reportId.isEmpty()) {
            throw notAReport("<report_metadata> has no <report_id>");
        }
        if (dateRange == null) {
            throw notAReport("<report_metadata> has no <date_range>");
        }
        if (orgName == null) {
            warnings.add("<report_metadata> has no <org_name>");
        }
        if (email == null) {
            warnings.add("<report_metadata> has no <email>");
        }
        return new ReportMetadata(orgName == null ? "" : orgName, email == null ? "" : email, extraContactInfo,
            reportId, dateRange, errors, generator);
    }

    private DateRange parseDateRange() throws ReportParseException {
        Instant begin = null;
        Instant end = null;
        while (nextTag() == START_ELEMENT) {
            switch (xml.getLocalName()) {
                case "begin" -> begin = epochSeconds("begin");
                case "end" -> end = epochSeconds("end");
                default -> ignoreUnknown("date_range");
            }
        }
        if (begin == null) {
            throw notAReport("<date_range> has no <begin>");
        }
        if (end == null) {
            throw notAReport("<date_range> has no <end>");
        }
        return new DateRange(begin, end);
    }

    /** Seconds since 1970; some reporters write {@code 1337270400.0}. A fraction is dropped, with a warning unless it is zero. */
    private Instant epochSeconds(String field) throws ReportParseException {
        String value = requiredText();
        int dot = value.indexOf('.');
        String whole = dot < 0 ? value : value.substring(0, dot);
        String fraction = dot < 0 ? "" : value.substring(dot + 1);
        if (!isDigits(whole, 18) || !(fraction.isEmpty() || isDigits(fraction, 64))) {
            throw notAReport("date_range " + field + " '" + value + "' is not a number of seconds since 1970");
        }
        if (!fraction.chars().allMatch(c -> c == '0')) {
            warnings.add("date_range " + field + " '" + value + "' has a fraction of a second: ignored it");
        }
        return Instant.ofEpochSecond(Long.parseLong(whole));
    }

    private static boolean isDigits(String text, int maxLength) {
        if (text.isEmpty() || text.length() > maxLength) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private PolicyPublished parsePolicyPublished() throws ReportParseException {
        String domain = null;
        Enumerated<Alignment> adkim = null;
        Enumerated<Alignment> aspf = null;
        Enumerated<PolicyAction> p = null;
        Enumerated<PolicyAction> sp = null;
        Optional<Enumerated<PolicyAction>> np = Optional.empty();
        Optional<Integer> pct = Optional.empty();
        Optional<String> fo = Optional.empty();
        Optional<Enumerated<YesNo>> testing = Optional.empty();
        Optional<Enumerated<DiscoveryMethod>> discoveryMethod = Optional.empty();
        Optional<Enumerated<PsdFlag>> psd = Optional.empty();
        while (nextTag() == START_ELEMENT) {
            switch (xml.getLocalName()) {
                case "domain" -> domain = requiredText();
                case "adkim" -> adkim = optionalValue(ALIGNMENTS, "policy_published/adkim").orElse(null);
                case "aspf" -> aspf = optionalValue(ALIGNMENTS, "policy_published/aspf").orElse(null);
                case "p" -> p = requiredValue(POLICY_ACTIONS, "policy_published/p");
                case "sp" -> sp = optionalValue(POLICY_ACTIONS, "policy_published/sp").orElse(null);
                case "np" -> {
                    rfc9990Elements = true;
                    np = optionalValue(POLICY_ACTIONS, "policy_published/np");
                }
                case "pct" -> pct = percent();
                case "fo" -> fo = optionalText();
                case "testing" -> {
                    rfc9990Elements = true;
                    testing = optionalValue(YES_NO, "policy_published/testing");
                }
                case "discovery_method" -> {
                    rfc9990Elements = true;
                    discoveryMethod = optionalValue(DISCOVERY_METHODS, "policy_published/discovery_method");
                }
                case "psd" -> psd = optionalValue(PSD_FLAGS, "policy_published/psd");
                default -> ignoreUnknown("policy_published");
            }
        }
        if (domain == null || domain.isEmpty()) {
            throw notAReport("<policy_published> has no <domain>");
        }
        if (p == null) {
            warnings.add("<policy_published> has no <p>");
            p = Enumerated.parse(PolicyAction.class, "");
        }
        return new PolicyPublished(domain,
            adkim != null ? adkim : ALIGNMENTS.of(Alignment.RELAXED),
            aspf != null ? aspf : ALIGNMENTS.of(Alignment.RELAXED),
            p,
            sp != null ? sp : p,
            np, pct, fo, testing, discoveryMethod, psd);
    }

    private Optional<Integer> percent() throws ReportParseException {
        readText();
        if (text.isBlank()) {
            return Optional.empty();
        }
        long value = text.parseCount();
        if (value < 0 || value > 100) {
            warnings.add("ignored policy_published/pct '" + text.trimmed() + "': not a percentage");
            return Optional.empty();
        }
        return Optional.of((int) value);
    }

    // ---------------------------------------------------------------- records

    private void record() throws ReportParseException, RecordsBeforeHeader {
        recordNumber++;
        if (recordNumber > limits.maxRecords()) {
            throw new LimitExceededException(Limit.RECORDS, limits.maxRecords(), "record " + recordNumber + ", " + location());
        }
        if (headerForRecords == null) {
            if (knownHeader != null) {
                headerForRecords = knownHeader;
                delivery.header(knownHeader, knownHeaderAscii);
            } else if (metadata != null && policy != null) {
                headerForRecords = header();
                delivery.header(headerForRecords, !characters.nonAsciiSeen());
            } else {
                recordsBeforeHeader = true;
                skipElement();
                return;
            }
        }
        inRecord = true;
        ReportRecord record = new RecordParser().parse();
        inRecord = false;
        try {
            countSum = Math.addExact(countSum, record.count());
            if (record.policyEvaluated().dmarcPass()) {
                dmarcPassCount = Math.addExact(dmarcPassCount, record.count());
            }
        } catch (ArithmeticException overflow) {
            throw notAReport("the sum of the counts passes " + Long.MAX_VALUE + " at record " + recordNumber);
        }
        delivery.record(recordNumber, record);
    }

    /** The parts of one {@code <record>}. */
    private final class RecordParser {
        private SourceIp sourceIp;
        private long count = -1;
        private Enumerated<Disposition> disposition;
        private Optional<Enumerated<PolicyResult>> dkimAligned = Optional.empty();
        private Optional<Enumerated<PolicyResult>> spfAligned = Optional.empty();
        private final List<PolicyOverrideReason> reasons = new ArrayList<>(2);
        private Optional<String> headerFrom = Optional.empty();
        private Optional<String> envelopeFrom = Optional.empty();
        private Optional<String> envelopeTo = Optional.empty();
        private final List<DkimAuthResult> dkim = new ArrayList<>(2);
        private final List<SpfAuthResult> spf = new ArrayList<>(2);
        private final List<String> recordExtensions = new ArrayList<>(0);

        ReportRecord parse() throws ReportParseException {
            boolean identifiers = false;
            while (nextTag() == START_ELEMENT) {
                switch (xml.getLocalName()) {
                    case "row" -> row();
                    case "identifiers" -> {
                        identifiers = true;
                        identifiers();
                    }
                    case "identities" -> {
                        warnings.add("read the legacy <identities> as <identifiers>");
                        identifiers = true;
                        identifiers();
                    }
                    case "auth_results" -> authResults();
                    default -> extension();
                }
            }
            if (count < 0) {
                throw notAReport("no <count>");
            }
            if (sourceIp == null) {
                warn("no <source_ip>");
                sourceIp = SourceIp.parse("");
            }
            if (disposition == null) {
                warn("no <policy_evaluated> disposition");
                disposition = Enumerated.parse(Disposition.class, "");
            }
            if (!identifiers || headerFrom.isEmpty()) {
                warn("no <header_from>");
            }
            return new ReportRecord(sourceIp, count,
                new PolicyEvaluated(disposition, dkimAligned, spfAligned, reasons),
                headerFrom, envelopeFrom, envelopeTo, dkim, spf, recordExtensions);
        }

        private void row() throws ReportParseException {
            while (nextTag() == START_ELEMENT) {
                switch (xml.getLocalName()) {
                    case "source_ip" -> {
                        sourceIp = SourceIp.parse(requiredText());
                        if (sourceIp.address().isEmpty()) {
                            warn("source_ip '" + sourceIp.raw() + "' is not an IP address");
                        }
                    }
                    case "count" -> count();
                    case "policy_evaluated" -> policyEvaluated();
                    default -> extension();
                }
            }
        }

        private void count() throws ReportParseException {
            readText();
            long value = text.parseCount();
            if (value < 0) {
                throw notAReport("count '" + text.trimmed() + "' is not a whole number of messages (0 or more)");
            }
            count = value;
        }

        private void policyEvaluated() throws ReportParseException {
            while (nextTag() == START_ELEMENT) {
                switch (xml.getLocalName()) {
                    case "disposition" -> disposition = requiredValue(DISPOSITIONS, "policy_evaluated/disposition");
                    case "dkim" -> dkimAligned = optionalValue(POLICY_RESULTS, "policy_evaluated/dkim");
                    case "spf" -> spfAligned = optionalValue(POLICY_RESULTS, "policy_evaluated/spf");
                    case "reason" -> reason();
                    default -> extension();
                }
            }
        }

        private void reason() throws ReportParseException {
            Enumerated<OverrideType> type = null;
            Optional<String> comment = Optional.empty();
            while (nextTag() == START_ELEMENT) {
                switch (xml.getLocalName()) {
                    case "type" -> type = requiredValue(OVERRIDE_TYPES, "policy_evaluated/reason/type");
                    case "comment" -> comment = optionalText();
                    default -> extension();
                }
            }
            if (type == null) {
                warn("a <reason> has no <type>");
                type = Enumerated.parse(OverrideType.class, "");
            }
            addRepeated(reasons, new PolicyOverrideReason(type, comment), "<reason>");
        }

        private void identifiers() throws ReportParseException {
            while (nextTag() == START_ELEMENT) {
                switch (xml.getLocalName()) {
                    case "header_from" -> headerFrom = optionalText();
                    case "envelope_from" -> envelopeFrom = optionalText();
                    case "envelope_to" -> envelopeTo = optionalText();
                    default -> extension();
                }
            }
        }

        private void authResults() throws ReportParseException {
            while (nextTag() == START_ELEMENT) {
                switch (xml.getLocalName()) {
                    case "dkim" -> addRepeated(dkim, dkimResult(), "<dkim> result");
                    case "spf" -> addRepeated(spf, spfResult(), "<spf> result");
                    default -> extension();
                }
            }
        }

        private DkimAuthResult dkimResult() throws ReportParseException {
            String domain = null;
            Optional<String> selector = Optional.empty();
            Enumerated<DkimResult> result = null;
            Optional<String> humanResult = Optional.empty();
            while (nextTag() == START_ELEMENT) {
                switch (xml.getLocalName()) {
                    case "domain" -> domain = requiredText();
                    case "selector" -> selector = optionalText();
                    case "result" -> result = requiredValue(DKIM_RESULTS, "auth_results/dkim/result");
                    case "human_result" -> humanResult = optionalText();
                    default -> extension();
                }
            }
            if (domain == null) {
                warn("a DKIM result has no <domain>");
            }
            if (result == null) {
                warn("a DKIM result has no <result>");
                result = Enumerated.parse(DkimResult.class, "");
            }
            return new DkimAuthResult(domain == null ? "" : domain, selector, result, humanResult);
        }

        private SpfAuthResult spfResult() throws ReportParseException {
            String domain = null;
            Optional<Enumerated<SpfScope>> scope = Optional.empty();
            Enumerated<SpfResult> result = null;
            Optional<String> humanResult = Optional.empty();
            while (nextTag() == START_ELEMENT) {
                switch (xml.getLocalName()) {
                    case "domain" -> domain = requiredText();
                    case "scope" -> scope = optionalValue(SPF_SCOPES, "auth_results/spf/scope");
                    case "result" -> result = requiredValue(SPF_RESULTS, "auth_results/spf/result");
                    case "human_result" -> humanResult = optionalText();
                    default -> extension();
                }
            }
            if (domain == null) {
                warn("an SPF result has no <domain>");
            }
            if (result == null) {
                warn("an SPF result has no <result>");
                result = Enumerated.parse(SpfResult.class, "");
            }
            return new SpfAuthResult(domain == null ? "" : domain, scope, result, humanResult);
        }

        /** An element the standards do not define inside a record: kept as raw XML, as RFC 9990 extensions are. */
        private void extension() throws ReportParseException {
            addRepeated(recordExtensions, rawXml(), "record extension");
        }
    }

    // ---------------------------------------------------------------- values

    private String requiredText() throws ReportParseException {
        readText();
        return text.trimmed();
    }

    private Optional<String> optionalText() throws ReportParseException {
        readText();
        return text.isBlank() ? Optional.empty() : Optional.of(text.trimmed());
    }

    /** A value every instance of its element has: empty or unknown text is kept as written, with a warning. */
    private <E extends Enum<E> & Vocabulary> Enumerated<E> requiredValue(VocabularyTable<E> table, String field)
        throws ReportParseException {
        readText();
        Enumerated<E> value = table.read(text);
        if (!value.isKnown()) {
            warn(value.raw().isEmpty() ? "empty " + field : "unknown " + field + " '" + value.raw() + "'");
        }
        return value;
    }

    /** An optional value: empty text counts as absent; unknown text is kept as written, with a warning. */
    private <E extends Enum<E> & Vocabulary> Optional<Enumerated<E>> optionalValue(VocabularyTable<E> table, String field)
        throws ReportParseException {
        readText();
        if (text.isBlank()) {
            return Optional.empty();
        }
        Enumerated<E> value = table.read(text);
        if (!value.isKnown()) {
            warn("unknown " + field + " '" + value.raw() + "'");
        }
        return Optional.of(value);
    }

    private <T> void addRepeated(List<T> list, T item, String what) throws ReportParseException {
        if (list.size() >= MAX_REPEATED_ITEMS) {
            throw notAReport("more than " + MAX_REPEATED_ITEMS + " " + what + " elements");
        }
        list.add(item);
    }

    private void warn(String warning) {
        warnings.add(inRecord ? "record " + recordNumber + ": " + warning : warning);
    }

    private void ignoreUnknown(String parent) throws ReportParseException {
        warnings.add("ignored unknown element <" + qualifiedName() + "> in <" + parent + ">");
        skipElement();
    }

    // ---------------------------------------------------------------- events

    /** The next start or end tag (or the end of the document), past text, comments and processing instructions. */
    private int nextTag() throws ReportParseException {
        while (true) {
            int event = advance();
            if (event == START_ELEMENT || event == END_ELEMENT || event == END_DOCUMENT) {
                return event;
            }
        }
    }

    /** Collects the text of the current element (and of any element inside it) into {@link #text}, up to its end tag. */
    private void readText() throws ReportParseException {
        text.clear();
        int startDepth = depth;
        while (true) {
            int event = advance();
            if (event == CHARACTERS || event == CDATA || event == SPACE) {
                int length = xml.getTextLength();
                if (text.length() + length > limits.maxXmlTextLength()) {
                    throw new LimitExceededException(Limit.XML_TEXT_LENGTH, limits.maxXmlTextLength(), where());
                }
                text.append(xml.getTextCharacters(), xml.getTextStart(), length);
            } else if (event == END_ELEMENT && depth < startDepth) {
                return;
            } else if (event == END_DOCUMENT) {
                throw malformed(where() + ": the document ends inside an element");
            }
        }
    }

    private void skipElement() throws ReportParseException {
        int startDepth = depth;
        while (true) {
            int event = advance();
            if (event == END_ELEMENT && depth < startDepth) {
                return;
            } else if (event == END_DOCUMENT) {
                throw malformed(where() + ": the document ends inside an element");
            }
        }
    }

    /**
     * The current element as XML text: its tags, attributes, text and child elements; comments and
     * processing instructions dropped. Prefixes declared outside it are declared on it, so the text
     * stands alone; the default namespace is left to the context it is written into.
     */
    private String rawXml() throws ReportParseException {
        StringBuilder out = new StringBuilder(64);
        Set<String> declared = new HashSet<>();
        int startDepth = depth;
        startTag(out, declared);
        boolean tagOpen = true;
        while (true) {
            int event = advance();
            if (event == START_ELEMENT) {
                if (tagOpen) {
                    out.append('>');
                }
                startTag(out, declared);
                tagOpen = true;
            } else if (event == END_ELEMENT) {
                if (tagOpen) {
                    out.append("/>");
                    tagOpen = false;
                } else {
                    out.append("</").append(qualifiedName()).append('>');
                }
                if (depth < startDepth) {
                    return out.toString();
                }
            } else if (event == CHARACTERS || event == CDATA || event == SPACE) {
                if (tagOpen) {
                    out.append('>');
                    tagOpen = false;
                }
                XmlEscaping.appendText(out, xml.getTextCharacters(), xml.getTextStart(), xml.getTextLength());
            } else if (event == END_DOCUMENT) {
                throw malformed(where() + ": the document ends inside an element");
            }
            if (out.length() > limits.maxXmlTextLength()) {
                throw new LimitExceededException(Limit.XML_TEXT_LENGTH, limits.maxXmlTextLength(), where());
            }
        }
    }

    private void startTag(StringBuilder out, Set<String> declared) {
        out.append('<').append(qualifiedName());
        for (int i = 0; i < xml.getNamespaceCount(); i++) {
            String prefix = xml.getNamespacePrefix(i);
            String uri = xml.getNamespaceURI(i);
            if (prefix == null || prefix.isEmpty()) {
                out.append(" xmlns=\"");
            } else {
                declared.add(prefix);
                out.append(" xmlns:").append(prefix).append("=\"");
            }
            XmlEscaping.appendAttribute(out, uri == null ? "" : uri);
            out.append('"');
        }
        declareIfNeeded(out, declared, xml.getPrefix(), xml.getNamespaceURI());
        for (int i = 0; i < xml.getAttributeCount(); i++) {
            declareIfNeeded(out, declared, xml.getAttributePrefix(i), xml.getAttributeNamespace(i));
        }
        for (int i = 0; i < xml.getAttributeCount(); i++) {
            String prefix = xml.getAttributePrefix(i);
            out.append(' ');
            if (prefix != null && !prefix.isEmpty()) {
                out.append(prefix).append(':');
            }
            out.append(xml.getAttributeLocalName(i)).append("=\"");
            XmlEscaping.appendAttribute(out, xml.getAttributeValue(i));
            out.append('"');
        }
    }

    private static void declareIfNeeded(StringBuilder out, Set<String> declared, String prefix, String uri) {
        if (prefix == null || prefix.isEmpty() || prefix.equals("xml") || declared.contains(prefix) || uri == null) {
            return;
        }
        declared.add(prefix);
        out.append(" xmlns:").append(prefix).append("=\"");
        XmlEscaping.appendAttribute(out, uri);
        out.append('"');
    }

    private String qualifiedName() {
        String prefix = xml.getPrefix();
        return prefix == null || prefix.isEmpty() ? xml.getLocalName() : prefix + ":" + xml.getLocalName();
    }

    /** After {@code </feedback>}: whatever follows is ignored, with a warning when it is more than whitespace and comments. */
    private void ignoreTrailingContent() {
        int wrapperDepth = depth;
        try {
            for (int i = 0; i < 16; i++) {
                int event = xml.next();
                if (event == END_DOCUMENT) {
                    return;
                }
                if (event == END_ELEMENT && wrapperDepth > 0) {
                    wrapperDepth--;
                    continue;
                }
                boolean ignorable = event == COMMENT || event == PROCESSING_INSTRUCTION || event == SPACE
                    || (event == CHARACTERS && xml.isWhiteSpace());
                if (!ignorable) {
                    warnings.add("ignored what follows </feedback> at " + location());
                    return;
                }
            }
        } catch (XMLStreamException | RuntimeException e) {
            warnings.add("ignored what follows </feedback>: " + describe(e));
        }
    }

    /** The one place the parser is advanced: tracks depth against the limit and turns parser failures into report errors. */
    private int advance() throws ReportParseException {
        int event;
        try {
            event = xml.next();
        } catch (XMLStreamException e) {
            throw failure(e);
        } catch (RuntimeException e) {
            // the JDK parser throws unchecked exceptions on some broken input; they are malformed XML too
            throw failure(e);
        }
        if (event == START_ELEMENT) {
            if (++depth > limits.maxXmlDepth()) {
                throw new LimitExceededException(Limit.XML_DEPTH, limits.maxXmlDepth(), where());
            }
        } else if (event == END_ELEMENT) {
            depth--;
        }
        return event;
    }

    private ReportParseException failure(Exception e) {
        for (Throwable cause = e; cause != null; cause = next(cause)) {
            if (cause instanceof ReportParseException reportProblem) {
                return reportProblem;
            }
        }
        if (characters.undecodable()) {
            return new UndecodableDocument(where(e) + ": " + undecodableMessage(e), e);
        }
        IOException io = ioCause(e);
        if (io != null) {
            return new ReportParseException(Problem.CORRUPT_CONTAINER,
                where(e) + ": the input could not be read: " + io.getMessage(), e);
        }
        return new ReportParseException(Problem.MALFORMED_XML, where(e) + ": not well-formed XML: " + message(e), e);
    }

    private static String undecodableMessage(Exception e) {
        for (Throwable cause = e; cause != null; cause = next(cause)) {
            if (cause instanceof XmlCharacterReader.UndecodableInputException undecodable) {
                return undecodable.getMessage();
            }
        }
        return message(e);
    }

    private static IOException ioCause(Throwable e) {
        for (Throwable cause = e; cause != null; cause = next(cause)) {
            if (cause instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    private static Throwable next(Throwable cause) {
        if (cause instanceof XMLStreamException stax && stax.getNestedException() != null
            && stax.getNestedException() != cause) {
            return stax.getNestedException();
        }
        return cause.getCause() == cause ? null : cause.getCause();
    }

    /** The parser's message without its own location prefix (we say where ourselves). */
    private static String message(Throwable e) {
        String message = e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int at = message.indexOf("Message: ");
        return (at >= 0 ? message.substring(at + "Message: ".length()) : message).strip();
    }

    private String describe(Exception e) {
        return where(e) + ": " + message(e);
    }

    private String where(Exception e) {
        if (e instanceof XMLStreamException stax && stax.getLocation() != null) {
            String at = "line " + stax.getLocation().getLineNumber() + ", column " + stax.getLocation().getColumnNumber();
            return inRecord ? "record " + recordNumber + ", " + at : at;
        }
        return where();
    }

    /** Where the parser is, for messages: {@code record 3, line 40, column 7}. */
    private String where() {
        return inRecord ? "record " + recordNumber + ", " + location() : location();
    }

    private String location() {
        Location location = xml == null ? null : xml.getLocation();
        if (location == null) {
            return "line 1, column 1";
        }
        return "line " + location.getLineNumber() + ", column " + location.getColumnNumber();
    }

    private ReportParseException notAReport(String message) {
        return new ReportParseException(Problem.NOT_A_REPORT, where() + ": " + message);
    }

    private ReportParseException malformed(String message) {
        return new ReportParseException(Problem.MALFORMED_XML, message);
    }
}
