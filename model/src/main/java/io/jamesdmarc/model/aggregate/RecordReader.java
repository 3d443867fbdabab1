package io.jamesdmarc.model.aggregate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.OverrideType;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;

/**
 * Reads one {@code <record>}: row, identifiers (or the legacy identities), auth results, and any
 * element the standards do not define there, kept as raw XML the way RFC 9990 keeps extensions.
 * The count must be a whole number; everything else missing or odd is kept with a warning.
 */
final class RecordReader {

    private static final VocabularyTable<Disposition> DISPOSITIONS = new VocabularyTable<>(Disposition.class);
    private static final VocabularyTable<PolicyResult> POLICY_RESULTS = new VocabularyTable<>(PolicyResult.class);
    private static final VocabularyTable<OverrideType> OVERRIDE_TYPES = new VocabularyTable<>(OverrideType.class);
    private static final VocabularyTable<DkimResult> DKIM_RESULTS = new VocabularyTable<>(DkimResult.class);
    private static final VocabularyTable<SpfResult> SPF_RESULTS = new VocabularyTable<>(SpfResult.class);
    private static final VocabularyTable<SpfScope> SPF_SCOPES = new VocabularyTable<>(SpfScope.class);

    private final XmlCursor cursor;

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
    private final List<String> extensions = new ArrayList<>(0);

    private RecordReader(XmlCursor cursor) {
        this.cursor = cursor;
    }

    /** Reads the record whose start tag the cursor is on, up to its end tag. */
    static ReportRecord read(XmlCursor cursor) throws ReportParseException {
        return new RecordReader(cursor).record();
    }

    private ReportRecord record() throws ReportParseException {
        while (cursor.nextChild()) {
            switch (cursor.localName()) {
                case "row" -> row();
                case "identifiers" -> identifiers();
                case "identities" -> {
                    cursor.warnDocument("read the legacy <identities> as <identifiers>");
                    identifiers();
                }
                case "auth_results" -> authResults();
                default -> extension();
            }
        }
        if (count < 0) {
            throw cursor.notAReport("no <count>");
        }
        if (sourceIp == null) {
            cursor.warn("no <source_ip>");
            sourceIp = SourceIp.parse("");
        }
        if (disposition == null) {
            cursor.warn("no <policy_evaluated> disposition");
            disposition = Enumerated.parse(Disposition.class, "");
        }
        if (headerFrom.isEmpty()) {
            cursor.warn("no <header_from>");
        }
        return new ReportRecord(sourceIp, count, new PolicyEvaluated(disposition, dkimAligned, spfAligned, reasons),
            headerFrom, envelopeFrom, envelopeTo, dkim, spf, extensions);
    }

    private void row() throws ReportParseException {
        while (cursor.nextChild()) {
            switch (cursor.localName()) {
                case "source_ip" -> {
                    sourceIp = SourceIp.parse(cursor.requiredText());
                    if (sourceIp.address().isEmpty()) {
                        cursor.warn("source_ip '" + sourceIp.raw() + "' is not an IP address");
                    }
                }
                case "count" -> count();
                case "policy_evaluated" -> policyEvaluated();
                default -> extension();
            }
        }
    }

    private void count() throws ReportParseException {
        TextBuffer text = cursor.text();
        long value = text.parseCount();
        if (value < 0) {
            throw cursor.notAReport("count '" + text.trimmed() + "' is not a whole number of messages (0 or more)");
        }
        count = value;
    }

    private void policyEvaluated() throws ReportParseException {
        while (cursor.nextChild()) {
            switch (cursor.localName()) {
                case "disposition" -> disposition = cursor.requiredValue(DISPOSITIONS, "policy_evaluated/disposition");
                case "dkim" -> dkimAligned = cursor.optionalValue(POLICY_RESULTS, "policy_evaluated/dkim");
                case "spf" -> spfAligned = cursor.optionalValue(POLICY_RESULTS, "policy_evaluated/spf");
                case "reason" -> reason();
                default -> extension();
            }
        }
    }

    private void reason() throws ReportParseException {
        Enumerated<OverrideType> type = null;
        Optional<String> comment = Optional.empty();
        while (cursor.nextChild()) {
            switch (cursor.localName()) {
                case "type" -> type = cursor.requiredValue(OVERRIDE_TYPES, "policy_evaluated/reason/type");
                case "comment" -> comment = cursor.optionalText();
                default -> extension();
            }
        }
        if (type == null) {
            cursor.warn("a <reason> has no <type>");
            type = Enumerated.parse(OverrideType.class, "");
        }
        cursor.addRepeated(reasons, new PolicyOverrideReason(type, comment), "<reason>");
    }

    private void identifiers() throws ReportParseException {
        while (cursor.nextChild()) {
            switch (cursor.localName()) {
                case "header_from" -> headerFrom = cursor.optionalText();
                case "envelope_from" -> envelopeFrom = cursor.optionalText();
                case "envelope_to" -> envelopeTo = cursor.optionalText();
                default -> extension();
            }
        }
    }

    private void authResults() throws ReportParseException {
        while (cursor.nextChild()) {
            switch (cursor.localName()) {
                case "dkim" -> cursor.addRepeated(dkim, dkimResult(), "<dkim>");
                case "spf" -> cursor.addRepeated(spf, spfResult(), "<spf>");
                default -> extension();
            }
        }
    }

    private DkimAuthResult dkimResult() throws ReportParseException {
        String domain = null;
        Optional<String> selector = Optional.empty();
        Enumerated<DkimResult> result = null;
        Optional<String> humanResult = Optional.empty();
        while (cursor.nextChild()) {
            switch (cursor.localName()) {
                case "domain" -> domain = cursor.requiredText();
                case "selector" -> selector = cursor.optionalText();
                case "result" -> result = cursor.requiredValue(DKIM_RESULTS, "auth_results/dkim/result");
                case "human_result" -> humanResult = cursor.optionalText();
                default -> extension();
            }
        }
        if (domain == null) {
            cursor.warn("a DKIM result has no <domain>");
        }
        if (result == null) {
            cursor.warn("a DKIM result has no <result>");
            result = Enumerated.parse(DkimResult.class, "");
        }
        return new DkimAuthResult(domain == null ? "" : domain, selector, result, humanResult);
    }

    private SpfAuthResult spfResult() throws ReportParseException {
        String domain = null;
        Optional<Enumerated<SpfScope>> scope = Optional.empty();
        Enumerated<SpfResult> result = null;
        Optional<String> humanResult = Optional.empty();
        while (cursor.nextChild()) {
            switch (cursor.localName()) {
                case "domain" -> domain = cursor.requiredText();
                case "scope" -> scope = cursor.optionalValue(SPF_SCOPES, "auth_results/spf/scope");
                case "result" -> result = cursor.requiredValue(SPF_RESULTS, "auth_results/spf/result");
                case "human_result" -> humanResult = cursor.optionalText();
                default -> extension();
            }
        }
        if (domain == null) {
            cursor.warn("an SPF result has no <domain>");
        }
        if (result == null) {
            cursor.warn("an SPF result has no <result>");
            result = Enumerated.parse(SpfResult.class, "");
        }
        return new SpfAuthResult(domain == null ? "" : domain, scope, result, humanResult);
    }

    private void extension() throws ReportParseException {
        cursor.addRepeated(extensions, cursor.rawXml(), "record extension");
    }
}
