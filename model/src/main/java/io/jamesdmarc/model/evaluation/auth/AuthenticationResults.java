package io.jamesdmarc.model.evaluation.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.jamesdmarc.model.aggregate.PolicyPublished;
import io.jamesdmarc.model.evaluation.DmarcEvaluation;
import io.jamesdmarc.model.evaluation.DomainEvaluation;
import io.jamesdmarc.model.evaluation.SpfCheck;
import io.jamesdmarc.model.policy.DmarcRecord;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.model.vocabulary.SpfScope;

/**
 * Writes the Authentication-Results header field (RFC 8601) for a message's DKIM, SPF and DMARC
 * results, one result per line:
 *
 * <pre>
 * Authentication-Results: mx.example.net;
 *  dkim=pass header.d=example.com header.s=sel header.a=rsa-sha256 header.b="ab/cd+EF";
 *  dkim=fail reason="body hash did not verify" header.d=esp.example header.s=s1 header.a=rsa-sha256 header.b=Xy12Zt9q;
 *  spf=pass smtp.mailfrom=bounces.example.com;
 *  dmarc=pass (p=reject sp=reject dis=pass) header.from=example.com polrec.p=reject
 * </pre>
 *
 * <p>Every DKIM signature has its own {@code dkim=} result ({@code dkim=none} when there is none),
 * with {@code header.d}, {@code header.s}, {@code header.a} and {@code header.b} (RFC 6008, RFC
 * 8601); SPF reports {@code smtp.mailfrom}, or {@code smtp.helo} for a null reverse-path. Each
 * Author Domain evaluated has a {@code dmarc=} result with {@code header.from}, and the properties
 * RFC 9989 registers: {@code polrec.p} (the p= tag as published) and {@code polrec.domain} (where
 * the record was found, when not at the Author Domain); the comment shows the p and sp in force
 * and the disposition the policy asks for ({@code dis}), as OpenDMARC and Gmail write it. A result
 * other than pass carries a {@code reason}. Values that are not RFC 2045 tokens are quoted; lines
 * are folded to 78 columns where possible. Thread-safe.
 */
public final class AuthenticationResults {
    public static final String HEADER_NAME = "Authentication-Results";

    private static final String TSPECIALS = "()<>@,;:\\\"/[]?=";
    private static final int FOLD_AT = 78;
    private static final int TAB_WIDTH = 8;
    private static final int MAX_REASON = 200;
    private static final String FOLD = "\r\n\t";

    private final String authservId;

    /** @param authservId this server's name in the field (RFC 8601 section 2.5): its host name, usually */
    public AuthenticationResults(String authservId) {
        String id = Objects.requireNonNull(authservId, "authservId").strip();
        if (id.isEmpty() || !isToken(id)) {
            throw new IllegalArgumentException("the authserv-id must be a host name or another RFC 2045 token, got '"
                + authservId + "'");
        }
        this.authservId = id;
    }

    public String authservId() {
        return authservId;
    }

    /**
     * The field's value (what follows {@code Authentication-Results:}), folded with CRLF and a tab.
     *
     * @param dkim every DKIM signature's result, in header order
     * @param spf the SPF result, empty when there was nothing to check
     */
    public String format(DmarcEvaluation evaluation, List<DkimSignatureResult> dkim, Optional<SpfCheck> spf) {
        List<List<String>> results = new ArrayList<>();
        if (dkim.isEmpty()) {
            results.add(List.of("dkim=none"));
        }
        for (DkimSignatureResult signature : dkim) {
            results.add(dkim(signature));
        }
        results.add(spf.map(AuthenticationResults::spf)
            .orElse(List.of("spf=none", reason("no MAIL FROM domain nor HELO name to check"))));
        for (DomainEvaluation domain : evaluation.domains()) {
            results.add(dmarc(domain));
        }
        if (evaluation.domains().isEmpty() || evaluation.result() == DmarcResult.PERMERROR) {
            // no Author Domain evaluated, or the evaluation is incomplete: the message's own result
            results.add(List.of("dmarc=" + evaluation.result().token(), reason(evaluation.explanation())));
        }
        return fold(results);
    }

    private static List<String> dkim(DkimSignatureResult signature) {
        List<String> words = new ArrayList<>();
        words.add("dkim=" + signature.result().token());
        signature.humanResult().ifPresent(why -> words.add(reason(why)));
        property(words, "header.d", signature.domain());
        property(words, "header.s", signature.selector());
        property(words, "header.a", signature.algorithm());
        property(words, "header.b", signature.signaturePrefix());
        return words;
    }

    private static List<String> spf(SpfCheck check) {
        List<String> words = new ArrayList<>();
        words.add("spf=" + check.result().token());
        check.humanResult().ifPresent(why -> words.add(reason(why)));
        property(words, check.scope() == SpfScope.HELO ? "smtp.helo" : "smtp.mailfrom", check.domain());
        return words;
    }

    private static List<String> dmarc(DomainEvaluation domain) {
        List<String> words = new ArrayList<>();
        words.add("dmarc=" + domain.result().token());
        domain.policy().ifPresent(policy -> {
            PolicyPublished published = policy.toPolicyPublished();
            words.add("(p=" + published.p().text() + " sp=" + published.sp().text()
                + " dis=" + domain.disposition().token() + ")");
        });
        if (domain.result() != DmarcResult.PASS) {
            words.add(reason(domain.explanation()));
        }
        property(words, "header.from", domain.authorDomain());
        domain.record().flatMap(DmarcRecord::p).ifPresent(p -> property(words, "polrec.p", p.raw()));
        domain.policyDomain().filter(policyDomain -> !policyDomain.equals(domain.authorDomain()))
            .ifPresent(policyDomain -> property(words, "polrec.domain", policyDomain));
        return words;
    }

    private static void property(List<String> words, String name, String value) {
        if (!value.isEmpty()) {
            words.add(name + "=" + value(value));
        }
    }

    private static String reason(String text) {
        String clean = text.length() > MAX_REASON ? text.substring(0, MAX_REASON - 3) + "..." : text;
        return "reason=" + quoted(clean);
    }

    /** A token as it is, anything else as a quoted-string (RFC 2045 section 5.1). */
    static String value(String text) {
        return isToken(text) ? text : quoted(text);
    }

    private static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c >= 127 || TSPECIALS.indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** A quoted-string: control characters become spaces, non-ASCII a '?' (the field may travel without SMTPUTF8). */
    private static String quoted(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < ' ' || c == 127) {
                quoted.append(' ');
            } else if (c > 127) {
                quoted.append('?');
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    private String fold(List<List<String>> results) {
        StringBuilder field = new StringBuilder(256).append(authservId);
        for (List<String> words : results) {
            field.append(';').append(FOLD);
            int column = TAB_WIDTH;
            for (int i = 0; i < words.size(); i++) {
                String word = words.get(i);
                if (i > 0) {
                    if (column + 1 + word.length() > FOLD_AT) {
                        field.append(FOLD);
                        column = TAB_WIDTH;
                    } else {
                        field.append(' ');
                        column++;
                    }
                }
                field.append(word);
                column += word.length();
            }
        }
        return field.toString();
    }

    /**
     * The authserv-id an existing Authentication-Results field claims, so that fields forged with
     * this server's id can be removed before ours is added (RFC 8601 section 5).
     *
     * @param fieldValue what follows {@code Authentication-Results:}, folded or not
     * @return empty when the value does not start with an authserv-id
     */
    public static Optional<String> authservIdOf(String fieldValue) {
        int i = skipCfws(fieldValue, 0);
        if (i >= fieldValue.length()) {
            return Optional.empty();
        }
        if (fieldValue.charAt(i) == '"') {
            StringBuilder id = new StringBuilder();
            for (i++; i < fieldValue.length(); i++) {
                char c = fieldValue.charAt(i);
                if (c == '"') {
                    return id.isEmpty() ? Optional.empty() : Optional.of(id.toString());
                }
                if (c == '\\' && i + 1 < fieldValue.length()) {
                    c = fieldValue.charAt(++i);
                }
                id.append(c);
            }
            return Optional.empty(); // unterminated
        }
        int start = i;
        while (i < fieldValue.length() && isToken(String.valueOf(fieldValue.charAt(i)))) {
            i++;
        }
        return i > start ? Optional.of(fieldValue.substring(start, i)) : Optional.empty();
    }

    /** Skips white space, folding and (nested) comments. */
    private static int skipCfws(String text, int from) {
        int i = from;
        int depth = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (depth > 0 && c == '\\') {
                i += 2;
                continue;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0 && !Character.isWhitespace(c)) {
                return i;
            }
            i++;
        }
        return i;
    }
}
