package io.jamesdmarc.model.aggregate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.vocabulary.Alignment;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.model.vocabulary.PsdFlag;
import io.jamesdmarc.model.vocabulary.YesNo;

/**
 * Reads {@code <report_metadata>} and {@code <policy_published>}. A report id, a date range and a
 * policy domain are required (a report without them cannot be stored or told apart); the rest is
 * kept as found, RFC defaults applied (adkim and aspf relaxed, sp as p), with warnings for what
 * was odd. Notes whether RFC 9990-only elements appear.
 */
final class HeaderReader {

    private static final VocabularyTable<Alignment> ALIGNMENTS = new VocabularyTable<>(Alignment.class);
    private static final VocabularyTable<PolicyAction> POLICY_ACTIONS = new VocabularyTable<>(PolicyAction.class);
    private static final VocabularyTable<YesNo> YES_NO = new VocabularyTable<>(YesNo.class);
    private static final VocabularyTable<DiscoveryMethod> DISCOVERY_METHODS = new VocabularyTable<>(DiscoveryMethod.class);
    private static final VocabularyTable<PsdFlag> PSD_FLAGS = new VocabularyTable<>(PsdFlag.class);

    private final XmlCursor cursor;
    private boolean rfc9990Elements;

    HeaderReader(XmlCursor cursor) {
        this.cursor = cursor;
    }

    /** Whether np, testing, discovery_method or generator appeared: elements only RFC 9990 has. */
    boolean sawRfc9990Elements() {
        return rfc9990Elements;
    }

    ReportMetadata metadata() throws ReportParseException {
        String orgName = null;
        String email = null;
        Optional<String> extraContactInfo = Optional.empty();
        String reportId = null;
        DateRange dateRange = null;
        List<String> errors = new ArrayList<>();
        Optional<String> generator = Optional.empty();
        while (cursor.nextChild()) {
            switch (cursor.localName()) {
                case "org_name" -> orgName = cursor.requiredText();
                case "email" -> email = cursor.requiredText();
                case "extra_contact_info" -> extraContactInfo = cursor.optionalText();
                case "report_id" -> reportId = cursor.requiredText();
                case "date_range" -> dateRange = dateRange();
                case "data_range" -> {
                    cursor.warn("read <data_range> as <date_range>");
                    dateRange = dateRange();
                }
                case "error" -> {
                    Optional<String> error = cursor.optionalText();
                    if (error.isPresent()) {
                        cursor.addRepeated(errors, error.get(), "<error>");
                    }
                }
                case "generator" -> {
                    rfc9990Elements = true;
                    generator = cursor.optionalText();
                }
                default -> cursor.ignoreUnknown("report_metadata");
            }
        }
        if (reportId == null || reportId.isEmpty()) {
            throw cursor.notAReport("<report_metadata> has no <report_id>");
        }
        if (dateRange == null) {
            throw cursor.notAReport("<report_metadata> has no <date_range>");
        }
        if (orgName == null) {
            cursor.warn("<report_metadata> has no <org_name>");
        }
        if (email == null) {
            cursor.warn("<report_metadata> has no <email>");
        }
        return new ReportMetadata(orgName == null ? "" : orgName, email == null ? "" : email, extraContactInfo,
            reportId, dateRange, errors, generator);
    }

    private DateRange dateRange() throws ReportParseException {
        Instant begin = null;
        Instant end = null;
        while (cursor.nextChild()) {
            switch (cursor.localName()) {
                case "begin" -> begin = epochSeconds("begin");
                case "end" -> end = epochSeconds("end");
                default -> cursor.ignoreUnknown("date_range");
            }
        }
        if (begin == null) {
            throw cursor.notAReport("<date_range> has no <begin>");
        }
        if (end == null) {
            throw cursor.notAReport("<date_range> has no <end>");
        }
        return new DateRange(begin, end);
    }

    /** Seconds since 1970; some reporters write {@code 1337270400.0}. A fraction is dropped, with a warning unless it is zero. */
    private Instant epochSeconds(String field) throws ReportParseException {
        String value = cursor.requiredText();
        int dot = value.indexOf('.');
        String whole = dot < 0 ? value : value.substring(0, dot);
        String fraction = dot < 0 ? "" : value.substring(dot + 1);
        if (!isDigits(whole, 18) || !(fraction.isEmpty() || isDigits(fraction, 64))) {
            throw cursor.notAReport("date_range " + field + " '" + value + "' is not a number of seconds since 1970");
        }
        if (!fraction.chars().allMatch(c -> c == '0')) {
            cursor.warn("date_range " + field + " '" + value + "' has a fraction of a second: ignored it");
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

    PolicyPublished policyPublished() throws ReportParseException {
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
        while (cursor.nextChild()) {
            switch (cursor.localName()) {
                case "domain" -> domain = cursor.requiredText();
                case "adkim" -> adkim = cursor.optionalValue(ALIGNMENTS, "policy_published/adkim").orElse(null);
                case "aspf" -> aspf = cursor.optionalValue(ALIGNMENTS, "policy_published/aspf").orElse(null);
                case "p" -> p = cursor.requiredValue(POLICY_ACTIONS, "policy_published/p");
                case "sp" -> sp = cursor.optionalValue(POLICY_ACTIONS, "policy_published/sp").orElse(null);
                case "np" -> {
                    rfc9990Elements = true;
                    np = cursor.optionalValue(POLICY_ACTIONS, "policy_published/np");
                }
                case "pct" -> pct = percent();
                case "fo" -> fo = cursor.optionalText();
                case "testing" -> {
                    rfc9990Elements = true;
                    testing = cursor.optionalValue(YES_NO, "policy_published/testing");
                }
                case "discovery_method" -> {
                    rfc9990Elements = true;
                    discoveryMethod = cursor.optionalValue(DISCOVERY_METHODS, "policy_published/discovery_method");
                }
                case "psd" -> psd = cursor.optionalValue(PSD_FLAGS, "policy_published/psd");
                default -> cursor.ignoreUnknown("policy_published");
            }
        }
        if (domain == null || domain.isEmpty()) {
            throw cursor.notAReport("<policy_published> has no <domain>");
        }
        if (p == null) {
            cursor.warn("<policy_published> has no <p>");
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
        TextBuffer text = cursor.text();
        if (text.isBlank()) {
            return Optional.empty();
        }
        long value = text.parseCount();
        if (value < 0 || value > 100) {
            cursor.warn("ignored policy_published/pct '" + text.trimmed() + "': not a percentage");
            return Optional.empty();
        }
        return Optional.of((int) value);
    }
}
