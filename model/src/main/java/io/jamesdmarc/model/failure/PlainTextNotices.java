package io.jamesdmarc.model.failure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.jamesdmarc.model.failure.FailureReport.Field;
import io.jamesdmarc.model.failure.FailureReport.Kind;

/**
 * Text-only DMARC failure notices: a sentence about a DMARC failure, labelled fields
 * ({@code Sender Domain: example.com}, {@code Sender IP Address: 203.0.113.68}, {@code Received date:
 * ...}), then often a copy of the message header. Exim sends these; others word their labels differently,
 * so labels are matched by meaning, not by one sender's spelling.
 *
 * <p>A text counts as a notice when it speaks of a DMARC failure, names the domain, and names the
 * source IP as an address: a report mail's prose (which names a domain and a report id) does not.
 */
final class PlainTextNotices {

    /** Label words (lower case, letters and digits only) and the AFRF field each one states. */
    private static final Map<String, String> LABELS = Map.ofEntries(
        Map.entry("senderdomain", "Reported-Domain"),
        Map.entry("reporteddomain", "Reported-Domain"),
        Map.entry("fromdomain", "Reported-Domain"),
        Map.entry("headerfrom", "Reported-Domain"),
        Map.entry("headerfromdomain", "Reported-Domain"),
        Map.entry("authordomain", "Reported-Domain"),
        Map.entry("policydomain", "Reported-Domain"),
        Map.entry("domain", "Reported-Domain"),
        Map.entry("senderipaddress", "Source-IP"),
        Map.entry("senderip", "Source-IP"),
        Map.entry("sourceip", "Source-IP"),
        Map.entry("sourceipaddress", "Source-IP"),
        Map.entry("sendingip", "Source-IP"),
        Map.entry("connectingip", "Source-IP"),
        Map.entry("clientip", "Source-IP"),
        Map.entry("remoteip", "Source-IP"),
        Map.entry("ipaddress", "Source-IP"),
        Map.entry("ip", "Source-IP"),
        Map.entry("receiveddate", "Arrival-Date"),
        Map.entry("datereceived", "Arrival-Date"),
        Map.entry("arrivaldate", "Arrival-Date"),
        Map.entry("receivedat", "Arrival-Date"),
        Map.entry("receivedtime", "Arrival-Date"),
        Map.entry("envelopefrom", "Original-Mail-From"),
        Map.entry("mailfrom", "Original-Mail-From"),
        Map.entry("originalmailfrom", "Original-Mail-From"),
        Map.entry("envelopesender", "Original-Mail-From"),
        Map.entry("envelopeto", "Original-Rcpt-To"),
        Map.entry("rcptto", "Original-Rcpt-To"),
        Map.entry("originalrcptto", "Original-Rcpt-To"),
        Map.entry("envelopercpt", "Original-Rcpt-To"),
        Map.entry("dkimdomain", "DKIM-Domain"),
        Map.entry("dkimselector", "DKIM-Selector"),
        Map.entry("authenticationresults", "Authentication-Results"));

    /** {@code   Label words: value}: a label of up to five words, starting with a letter. */
    private static final Pattern LABELLED = Pattern.compile("^[ \\t]*([A-Za-z][A-Za-z0-9.\\-/]*(?: [A-Za-z0-9.\\-/]+){0,4})[ \\t]*:[ \\t]*(\\S.*?)\\s*$");
    private static final Pattern HEADER_LINE = Pattern.compile("^([\\x21-\\x39\\x3b-\\x7e]+)[ \\t]*:.*");
    /** Fields only a real message header has: "Date:" or "From:" alone could be a notice's own labels. */
    private static final Set<String> MESSAGE_HEADERS = Set.of(
        "received", "return-path", "message-id", "dkim-signature", "authentication-results",
        "mime-version", "content-type", "delivered-to", "x-original-to");
    private static final Pattern DMARC = Pattern.compile("\\bdmarc\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern FAILURE = Pattern.compile("\\bfail", Pattern.CASE_INSENSITIVE);

    private PlainTextNotices() {
    }

    static Optional<FailureReport> parse(String text) {
        if (!DMARC.matcher(text).find() || !FAILURE.matcher(text).find()) {
            return Optional.empty();
        }
        List<String> lines = List.of(text.split("\r\n|\n|\r", -1));
        int headerStart = headerBlockStart(lines);
        List<Field> asWritten = new ArrayList<>();
        List<Field> canonical = new ArrayList<>();
        for (String line : lines.subList(0, headerStart < 0 ? lines.size() : headerStart)) {
            Matcher labelled = LABELLED.matcher(line);
            if (labelled.matches()) {
                Field field = new Field(labelled.group(1), labelled.group(2));
                asWritten.add(field);
                String meaning = LABELS.get(field.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", ""));
                if (meaning != null) {
                    canonical.add(new Field(meaning, field.value()));
                }
            }
        }
        boolean namesDomain = HeaderFields.firstStated(canonical, "Reported-Domain").isPresent();
        boolean namesAddress = HeaderFields.firstStated(canonical, "Source-IP")
            .flatMap(FailureReportParser::addressPart).isPresent();
        if (!namesDomain || !namesAddress) {
            return Optional.empty();
        }
        Optional<ReportedMessage> reported = Optional.empty();
        if (headerStart >= 0) {
            String block = String.join("\r\n", headerBlockLines(lines, headerStart)) + "\r\n";
            reported = Optional.of(FailureReportParser.reportedMessage(block, false));
        }
        return Optional.of(FailureReportParser.fromFields(Kind.PLAIN_TEXT_NOTICE, canonical, asWritten, reported));
    }

    /** Where a copied message header starts: a run of at least three header lines, one only a message has. */
    private static int headerBlockStart(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (isHeaderLine(lines.get(i)) && headerBlockLines(lines, i).size() >= 3) {
                boolean messageHeader = headerBlockLines(lines, i).stream()
                    .map(HEADER_LINE::matcher)
                    .filter(Matcher::matches)
                    .anyMatch(m -> MESSAGE_HEADERS.contains(m.group(1).toLowerCase(Locale.ROOT)));
                if (messageHeader) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static List<String> headerBlockLines(List<String> lines, int start) {
        int end = start;
        while (end < lines.size() && !lines.get(end).isEmpty()
            && (isHeaderLine(lines.get(end)) || end > start && (lines.get(end).startsWith(" ") || lines.get(end).startsWith("\t")))) {
            end++;
        }
        return lines.subList(start, end);
    }

    private static boolean isHeaderLine(String line) {
        return HEADER_LINE.matcher(line).matches();
    }
}
