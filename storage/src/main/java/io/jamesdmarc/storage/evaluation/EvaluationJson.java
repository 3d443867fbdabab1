package io.jamesdmarc.storage.evaluation;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.jamesdmarc.model.aggregate.DkimAuthResult;
import io.jamesdmarc.model.aggregate.PolicyOverrideReason;
import io.jamesdmarc.model.aggregate.SpfAuthResult;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.OverrideType;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;

/**
 * The JSON texts of the evaluation tables: string arrays (envelope_to, rua, ruf, original_rcpt_to),
 * override reasons, and the canonical {@code auth_results} that aggregate rows group on. Written in
 * ASCII (other characters escaped), so that any text, an unpaired surrogate included, reads back
 * as it was and the same results always give the same text, hence the same hash.
 */
final class EvaluationJson {

    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    private static final ObjectMapper MAPPER = new ObjectMapper(JSON);

    /** DKIM results in the order that makes equal sets equal texts: domain, selector (none first), result. */
    private static final Comparator<DkimAuthResult> CANONICAL_DKIM = Comparator
        .comparing(DkimAuthResult::domain)
        .thenComparing(result -> result.selector().orElse(""))
        .thenComparing(result -> result.selector().isPresent())
        .thenComparing(result -> result.result().text());

    /** The authentication results an aggregate record shows, as read from {@code auth_results}. */
    record AuthResults(List<DkimAuthResult> dkim, Optional<SpfAuthResult> spf) {
    }

    private EvaluationJson() {
    }

    static String strings(List<String> values) {
        return write(json -> {
            json.writeStartArray();
            for (String value : values) {
                json.writeString(value);
            }
            json.writeEndArray();
        });
    }

    static List<String> strings(String text, String column) throws SQLException {
        JsonNode array = read(text, column);
        if (!array.isArray()) {
            throw unreadable(column, text);
        }
        List<String> values = new ArrayList<>(array.size());
        for (JsonNode value : array) {
            if (!value.isTextual()) {
                throw unreadable(column, text);
            }
            values.add(value.textValue());
        }
        return values;
    }

    static String reasons(List<PolicyOverrideReason> reasons) {
        return write(json -> {
            json.writeStartArray();
            for (PolicyOverrideReason reason : reasons) {
                json.writeStartObject();
                json.writeStringField("type", reason.type().text());
                if (reason.comment().isPresent()) {
                    json.writeStringField("comment", reason.comment().get());
                }
                json.writeEndObject();
            }
            json.writeEndArray();
        });
    }

    static List<PolicyOverrideReason> reasons(String text, String column) throws SQLException {
        JsonNode array = read(text, column);
        if (!array.isArray()) {
            throw unreadable(column, text);
        }
        List<PolicyOverrideReason> reasons = new ArrayList<>(array.size());
        for (JsonNode reason : array) {
            reasons.add(new PolicyOverrideReason(Enumerated.parse(OverrideType.class, field(reason, "type", column, text)),
                optional(reason, "comment")));
        }
        return reasons;
    }

    /**
     * The canonical text of a message's authentication results: every DKIM result (domain, selector,
     * result) sorted, then the SPF result (domain, scope, result). Explanations ({@code human_result})
     * are left out: they would split records that report the same results.
     * <pre>{@code {"dkim":[{"domain":"example.com","selector":"s1","result":"pass"}],"spf":{"domain":"example.com","scope":"mfrom","result":"pass"}}}</pre>
     */
    static String authResults(List<DkimAuthResult> dkim, Optional<SpfAuthResult> spf) {
        List<DkimAuthResult> sorted = new ArrayList<>(dkim);
        sorted.sort(CANONICAL_DKIM);
        return write(json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("dkim");
            for (DkimAuthResult result : sorted) {
                json.writeStartObject();
                json.writeStringField("domain", result.domain());
                if (result.selector().isPresent()) {
                    json.writeStringField("selector", result.selector().get());
                }
                json.writeStringField("result", result.result().text());
                json.writeEndObject();
            }
            json.writeEndArray();
            if (spf.isPresent()) {
                json.writeObjectFieldStart("spf");
                json.writeStringField("domain", spf.get().domain());
                if (spf.get().scope().isPresent()) {
                    json.writeStringField("scope", spf.get().scope().get().text());
                }
                json.writeStringField("result", spf.get().result().text());
                json.writeEndObject();
            }
            json.writeEndObject();
        });
    }

    static AuthResults authResults(String text, String column) throws SQLException {
        JsonNode root = read(text, column);
        JsonNode dkimArray = root.get("dkim");
        if (dkimArray == null || !dkimArray.isArray()) {
            throw unreadable(column, text);
        }
        List<DkimAuthResult> dkim = new ArrayList<>(dkimArray.size());
        for (JsonNode result : dkimArray) {
            dkim.add(new DkimAuthResult(field(result, "domain", column, text), optional(result, "selector"),
                Enumerated.parse(DkimResult.class, field(result, "result", column, text)), Optional.empty()));
        }
        Optional<SpfAuthResult> spf = Optional.empty();
        JsonNode spfNode = root.get("spf");
        if (spfNode != null) {
            spf = Optional.of(new SpfAuthResult(field(spfNode, "domain", column, text),
                optional(spfNode, "scope").map(scope -> Enumerated.parse(SpfScope.class, scope)),
                Enumerated.parse(SpfResult.class, field(spfNode, "result", column, text)), Optional.empty()));
        }
        return new AuthResults(dkim, spf);
    }

    private interface JsonWriting {
        void write(JsonGenerator json) throws IOException;
    }

    private static String write(JsonWriting writing) {
        StringWriter text = new StringWriter(128);
        try (JsonGenerator json = JSON.createGenerator(text)) {
            writing.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a string", e);
        }
        return text.toString();
    }

    private static JsonNode read(String text, String column) throws SQLException {
        if (text == null) {
            throw new SQLException("column " + column + " is NULL where JSON was expected");
        }
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SQLException("column " + column + " does not hold the JSON the store writes: " + abbreviated(text), e);
        }
    }

    private static String field(JsonNode node, String name, String column, String text) throws SQLException {
        JsonNode value = node.get(name);
        if (value == null || !value.isTextual()) {
            throw unreadable(column, text);
        }
        return value.textValue();
    }

    private static Optional<String> optional(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value != null && value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
    }

    private static SQLException unreadable(String column, String text) {
        return new SQLException("column " + column + " does not hold the JSON the store writes: " + abbreviated(text));
    }

    private static String abbreviated(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
