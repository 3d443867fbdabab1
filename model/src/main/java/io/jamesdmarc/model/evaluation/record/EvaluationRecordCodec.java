package io.jamesdmarc.model.evaluation.record;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.jamesdmarc.model.aggregate.DkimAuthResult;
import io.jamesdmarc.model.aggregate.PolicyEvaluated;
import io.jamesdmarc.model.aggregate.PolicyOverrideReason;
import io.jamesdmarc.model.aggregate.PolicyPublished;
import io.jamesdmarc.model.aggregate.SourceIp;
import io.jamesdmarc.model.aggregate.SpfAuthResult;
import io.jamesdmarc.model.vocabulary.Alignment;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.FailureOption;
import io.jamesdmarc.model.vocabulary.OverrideType;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.model.vocabulary.PsdFlag;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;
import io.jamesdmarc.model.vocabulary.Vocabulary;
import io.jamesdmarc.model.vocabulary.YesNo;

/**
 * An {@link EvaluationRecord} as one line of JSON and back, losslessly: the evaluation spool's
 * format. Every line carries its format version ({@code "v":1}); field names follow RFC 9990's
 * element names where there is one; characters outside ASCII are escaped, so a line is ASCII
 * whatever it holds. Absent optional values are left out; values outside a
 * vocabulary keep their text. Fields this version does not know are ignored, so that an older
 * reader can replay what a newer writer spooled as long as the version is the same.
 *
 * <pre>{@code
 * {"v":1,"id":"…","evaluated_at":"2026-05-04T10:15:30.123Z","source_ip":"192.0.2.1","envelope_from":"example.com",
 *  "envelope_to":["example.net"],"result":"fail","disposition":"reject","explanation":"…",
 *  "dkim":[{"domain":"example.com","selector":"s1","result":"fail","human_result":"body hash did not verify"}],
 *  "spf":{"domain":"example.com","scope":"mfrom","result":"fail"},
 *  "domains":[{"header_from":"example.com","result":"fail","explanation":"…","policy":{…},"policy_evaluated":{…}}]}
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class EvaluationRecordCodec {
    public static final int VERSION = 1;

    // ASCII only: the spool file's encoding cannot matter, and no character can be lost on the way
    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    private static final ObjectMapper MAPPER = new ObjectMapper(JSON);

    private EvaluationRecordCodec() {
    }

    /** The record as one line of JSON, without a line end (string values escape theirs). */
    public static String toLine(EvaluationRecord record) {
        StringWriter line = new StringWriter(1024);
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeNumberField("v", VERSION);
            json.writeStringField("id", record.id());
            json.writeStringField("evaluated_at", record.evaluatedAt().toString());
            json.writeStringField("source_ip", record.sourceIp().raw());
            optional(json, "helo", record.helo());
            optional(json, "envelope_from", record.envelopeFrom());
            strings(json, "envelope_to", record.envelopeTo());
            optional(json, "message_id", record.messageId());
            json.writeStringField("result", record.result().token());
            json.writeStringField("disposition", record.disposition().token());
            json.writeStringField("explanation", record.explanation());
            json.writeArrayFieldStart("dkim");
            for (DkimAuthResult dkim : record.dkim()) {
                json.writeStartObject();
                json.writeStringField("domain", dkim.domain());
                optional(json, "selector", dkim.selector());
                json.writeStringField("result", dkim.result().raw());
                optional(json, "human_result", dkim.humanResult());
                json.writeEndObject();
            }
            json.writeEndArray();
            if (record.spf().isPresent()) {
                SpfAuthResult spf = record.spf().get();
                json.writeObjectFieldStart("spf");
                json.writeStringField("domain", spf.domain());
                optional(json, "scope", spf.scope().map(Enumerated::raw));
                json.writeStringField("result", spf.result().raw());
                optional(json, "human_result", spf.humanResult());
                json.writeEndObject();
            }
            json.writeArrayFieldStart("domains");
            for (DomainVerdict domain : record.domains()) {
                write(json, domain);
            }
            json.writeEndArray();
            if (record.failure().isPresent()) {
                write(json, record.failure().get());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a string", e);
        }
        return line.toString();
    }

    private static void write(JsonGenerator json, DomainVerdict domain) throws IOException {
        json.writeStartObject();
        json.writeStringField("header_from", domain.headerFrom());
        json.writeStringField("result", domain.result().token());
        json.writeStringField("explanation", domain.explanation());
        if (domain.policy().isPresent()) {
            RecordedPolicy policy = domain.policy().get();
            json.writeObjectFieldStart("policy");
            json.writeStringField("record", policy.record());
            write(json, policy.published());
            strings(json, "rua", policy.rua());
            strings(json, "ruf", policy.ruf());
            json.writeEndObject();
        }
        PolicyEvaluated evaluated = domain.policyEvaluated();
        json.writeObjectFieldStart("policy_evaluated");
        json.writeStringField("disposition", evaluated.disposition().raw());
        optional(json, "dkim", evaluated.dkim().map(Enumerated::raw));
        optional(json, "spf", evaluated.spf().map(Enumerated::raw));
        json.writeArrayFieldStart("reasons");
        for (PolicyOverrideReason reason : evaluated.reasons()) {
            json.writeStartObject();
            json.writeStringField("type", reason.type().raw());
            optional(json, "comment", reason.comment());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
        optional(json, "aligned_dkim_domain", domain.alignedDkimDomain());
        optional(json, "aligned_dkim_selector", domain.alignedDkimSelector());
        optional(json, "aligned_spf_domain", domain.alignedSpfDomain());
        strings(json, "failure_report_triggers", domain.failureReportTriggers().stream().map(FailureOption::token).toList());
        json.writeEndObject();
    }

    private static void write(JsonGenerator json, PolicyPublished published) throws IOException {
        json.writeObjectFieldStart("published");
        json.writeStringField("domain", published.domain());
        json.writeStringField("adkim", published.adkim().raw());
        json.writeStringField("aspf", published.aspf().raw());
        json.writeStringField("p", published.p().raw());
        json.writeStringField("sp", published.sp().raw());
        optional(json, "np", published.np().map(Enumerated::raw));
        if (published.pct().isPresent()) {
            json.writeNumberField("pct", published.pct().get());
        }
        optional(json, "fo", published.fo());
        optional(json, "testing", published.testing().map(Enumerated::raw));
        optional(json, "discovery_method", published.discoveryMethod().map(Enumerated::raw));
        optional(json, "psd", published.psd().map(Enumerated::raw));
        json.writeEndObject();
    }

    private static void write(JsonGenerator json, FailureDetails failure) throws IOException {
        json.writeObjectFieldStart("failure");
        optional(json, "original_mail_from", failure.originalMailFrom());
        strings(json, "original_rcpt_to", failure.originalRcptTo());
        json.writeStringField("arrival_date", failure.arrivalDate().toString());
        optional(json, "subject", failure.subject());
        json.writeStringField("headers", failure.headers());
        json.writeBooleanField("headers_truncated", failure.headersTruncated());
        json.writeEndObject();
    }

    private static void optional(JsonGenerator json, String name, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            json.writeStringField(name, value.get());
        }
    }

    private static void strings(JsonGenerator json, String name, List<String> values) throws IOException {
        json.writeArrayFieldStart(name);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    /**
     * Reads a line {@link #toLine} wrote.
     *
     * @throws EvaluationRecordFormatException naming what is wrong: not JSON, another format
     *     version, a missing or malformed field
     */
    public static EvaluationRecord fromLine(String line) throws EvaluationRecordFormatException {
        JsonNode root;
        try {
            root = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new EvaluationRecordFormatException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new EvaluationRecordFormatException("not a JSON object");
        }
        JsonNode version = root.get("v");
        if (version == null || !version.isInt()) {
            throw new EvaluationRecordFormatException("no format version (\"v\")");
        }
        if (version.intValue() != VERSION) {
            throw new EvaluationRecordFormatException("format version " + version.intValue() + " is not " + VERSION);
        }
        List<DkimAuthResult> dkim = new ArrayList<>();
        for (JsonNode node : array(root, "dkim")) {
            dkim.add(new DkimAuthResult(text(node, "domain"), optional(node, "selector"),
                enumerated(DkimResult.class, text(node, "result")), optional(node, "human_result")));
        }
        Optional<SpfAuthResult> spf = Optional.empty();
        JsonNode spfNode = root.get("spf");
        if (spfNode != null && !spfNode.isNull()) {
            spf = Optional.of(new SpfAuthResult(text(spfNode, "domain"),
                optional(spfNode, "scope").map(scope -> enumerated(SpfScope.class, scope)),
                enumerated(SpfResult.class, text(spfNode, "result")), optional(spfNode, "human_result")));
        }
        List<DomainVerdict> domains = new ArrayList<>();
        for (JsonNode node : array(root, "domains")) {
            domains.add(domain(node));
        }
        Optional<FailureDetails> failure = Optional.empty();
        JsonNode failureNode = root.get("failure");
        if (failureNode != null && !failureNode.isNull()) {
            failure = Optional.of(failure(failureNode));
        }
        return new EvaluationRecord(text(root, "id"), instant(root, "evaluated_at"), SourceIp.parse(text(root, "source_ip")),
            optional(root, "helo"), optional(root, "envelope_from"), strings(root, "envelope_to"), optional(root, "message_id"),
            known(DmarcResult.class, root, "result"), known(Disposition.class, root, "disposition"),
            text(root, "explanation"), dkim, spf, domains, failure);
    }

    private static DomainVerdict domain(JsonNode node) throws EvaluationRecordFormatException {
        Optional<RecordedPolicy> policy = Optional.empty();
        JsonNode policyNode = node.get("policy");
        if (policyNode != null && !policyNode.isNull()) {
            policy = Optional.of(new RecordedPolicy(text(policyNode, "record"), published(object(policyNode, "published")),
                strings(policyNode, "rua"), strings(policyNode, "ruf")));
        }
        JsonNode evaluatedNode = object(node, "policy_evaluated");
        List<PolicyOverrideReason> reasons = new ArrayList<>();
        for (JsonNode reason : array(evaluatedNode, "reasons")) {
            reasons.add(new PolicyOverrideReason(enumerated(OverrideType.class, text(reason, "type")),
                optional(reason, "comment")));
        }
        PolicyEvaluated evaluated = new PolicyEvaluated(enumerated(Disposition.class, text(evaluatedNode, "disposition")),
            optional(evaluatedNode, "dkim").map(r -> enumerated(PolicyResult.class, r)),
            optional(evaluatedNode, "spf").map(r -> enumerated(PolicyResult.class, r)), reasons);
        Set<FailureOption> triggers = EnumSet.noneOf(FailureOption.class);
        for (String token : strings(node, "failure_report_triggers")) {
            triggers.add(Enumerated.parse(FailureOption.class, token).value()
                .orElseThrow(() -> new EvaluationRecordFormatException("'" + token + "' is not an fo option")));
        }
        return new DomainVerdict(text(node, "header_from"), known(DmarcResult.class, node, "result"),
            text(node, "explanation"), policy, evaluated, optional(node, "aligned_dkim_domain"),
            optional(node, "aligned_dkim_selector"), optional(node, "aligned_spf_domain"), triggers);
    }

    private static PolicyPublished published(JsonNode node) throws EvaluationRecordFormatException {
        Optional<Integer> pct = Optional.empty();
        JsonNode pctNode = node.get("pct");
        if (pctNode != null && !pctNode.isNull()) {
            if (!pctNode.isInt()) {
                throw new EvaluationRecordFormatException("field 'pct' is not an integer");
            }
            pct = Optional.of(pctNode.intValue());
        }
        return new PolicyPublished(text(node, "domain"),
            enumerated(Alignment.class, text(node, "adkim")),
            enumerated(Alignment.class, text(node, "aspf")),
            enumerated(PolicyAction.class, text(node, "p")),
            enumerated(PolicyAction.class, text(node, "sp")),
            optional(node, "np").map(np -> enumerated(PolicyAction.class, np)),
            pct,
            optional(node, "fo"),
            optional(node, "testing").map(t -> enumerated(YesNo.class, t)),
            optional(node, "discovery_method").map(m -> enumerated(DiscoveryMethod.class, m)),
            optional(node, "psd").map(psd -> enumerated(PsdFlag.class, psd)));
    }

    private static FailureDetails failure(JsonNode node) throws EvaluationRecordFormatException {
        JsonNode truncated = node.get("headers_truncated");
        if (truncated == null || !truncated.isBoolean()) {
            throw new EvaluationRecordFormatException("field 'headers_truncated' is missing or not a boolean");
        }
        return new FailureDetails(optional(node, "original_mail_from"), strings(node, "original_rcpt_to"),
            instant(node, "arrival_date"), optional(node, "subject"), text(node, "headers"), truncated.booleanValue());
    }

    /** The text as spooled, with the vocabulary value it means (none when outside the vocabulary). */
    private static <E extends Enum<E> & Vocabulary> Enumerated<E> enumerated(Class<E> type, String raw) {
        return new Enumerated<>(raw, Enumerated.parse(type, raw).known());
    }

    private static <E extends Enum<E> & Vocabulary> E known(Class<E> type, JsonNode node, String name)
        throws EvaluationRecordFormatException {
        String text = text(node, name);
        return Enumerated.parse(type, text).value().orElseThrow(() -> new EvaluationRecordFormatException(
            "field '" + name + "': '" + text + "' is not a " + type.getSimpleName()));
    }

    private static String text(JsonNode node, String name) throws EvaluationRecordFormatException {
        JsonNode value = node.get(name);
        if (value == null || !value.isTextual()) {
            throw new EvaluationRecordFormatException("field '" + name + "' is missing or not a string");
        }
        return value.textValue();
    }

    private static Optional<String> optional(JsonNode node, String name) throws EvaluationRecordFormatException {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new EvaluationRecordFormatException("field '" + name + "' is not a string");
        }
        return Optional.of(value.textValue());
    }

    private static Instant instant(JsonNode node, String name) throws EvaluationRecordFormatException {
        String text = text(node, name);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new EvaluationRecordFormatException("field '" + name + "': '" + text + "' is not an instant", e);
        }
    }

    private static JsonNode object(JsonNode node, String name) throws EvaluationRecordFormatException {
        JsonNode value = node.get(name);
        if (value == null || !value.isObject()) {
            throw new EvaluationRecordFormatException("field '" + name + "' is missing or not an object");
        }
        return value;
    }

    private static Iterable<JsonNode> array(JsonNode node, String name) throws EvaluationRecordFormatException {
        JsonNode value = node.get(name);
        if (value == null || !value.isArray()) {
            throw new EvaluationRecordFormatException("field '" + name + "' is missing or not an array");
        }
        return value;
    }

    private static List<String> strings(JsonNode node, String name) throws EvaluationRecordFormatException {
        List<String> values = new ArrayList<>();
        for (JsonNode value : array(node, name)) {
            if (!value.isTextual()) {
                throw new EvaluationRecordFormatException("field '" + name + "' holds a value that is not a string");
            }
            values.add(value.textValue());
        }
        return values;
    }
}
