package io.jamesdmarc.mailets.receive;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One Authentication-Results header field (RFC 8601), read: the authserv-id of the host that
 * wrote it and each method's result with its properties. Comments are dropped, quoted values
 * unquoted; method, result and property names are in lower case, values as written.
 *
 * <pre>
 * Authentication-Results: mx.example.net (comment); dkim=pass header.d=example.com header.s=sel;
 *   spf=pass smtp.mailfrom=bounce@example.com; dmarc=pass header.from=example.com
 * </pre>
 *
 * @param authservId who wrote the field, as written
 */
public record AuthenticationResultsField(String authservId, List<Result> results) {

    /** One {@code method=result} with its {@code reason} and {@code ptype.property=value} properties. */
    public record Result(String method, String result, Optional<String> reason, Map<String, String> properties) {
        public Result {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(reason, "reason");
            properties = Map.copyOf(properties);
        }

        public Optional<String> property(String name) {
            return Optional.ofNullable(properties.get(name));
        }
    }

    public AuthenticationResultsField {
        Objects.requireNonNull(authservId, "authservId");
        results = List.copyOf(results);
    }

    /** The results of one method ({@code dkim}, {@code spf}, {@code dmarc}...), in field order. */
    public List<Result> results(String method) {
        return results.stream().filter(result -> result.method().equals(method)).toList();
    }

    /** Reads a field's value (what follows the colon, folded or not); empty when it has no authserv-id. */
    public static Optional<AuthenticationResultsField> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        List<List<String>> statements = statements(withoutComments(value.replaceAll("\r?\n[ \t]", " ")));
        if (statements.isEmpty() || statements.get(0).isEmpty()) {
            return Optional.empty();
        }
        String authservId = unquote(statements.get(0).get(0));
        List<Result> results = new ArrayList<>();
        for (List<String> words : statements.subList(1, statements.size())) {
            result(words).ifPresent(results::add);
        }
        return Optional.of(new AuthenticationResultsField(authservId, results));
    }

    private static Optional<Result> result(List<String> words) {
        if (words.isEmpty()) {
            return Optional.empty();
        }
        String[] method = words.get(0).split("=", 2);
        if (method.length < 2 || method[1].isEmpty()) {
            return Optional.empty(); // "none": no result at all
        }
        String name = method[0].split("/", 2)[0].strip().toLowerCase(Locale.ROOT);
        Optional<String> reason = Optional.empty();
        Map<String, String> properties = new LinkedHashMap<>();
        for (String word : words.subList(1, words.size())) {
            String[] pair = word.split("=", 2);
            if (pair.length < 2) {
                continue;
            }
            String key = pair[0].strip().toLowerCase(Locale.ROOT);
            String value = unquote(pair[1]);
            if (key.equals("reason")) {
                reason = Optional.of(value);
            } else if (key.contains(".")) {
                properties.putIfAbsent(key, value);
            }
        }
        return Optional.of(new Result(name, unquote(method[1]).toLowerCase(Locale.ROOT), reason, properties));
    }

    /** The text with every (possibly nested) comment removed; quoted strings are kept whole. */
    private static String withoutComments(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && (quoted || depth > 0)) {
                if (depth == 0) {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
            } else if (quoted) {
                out.append(c);
                quoted = c != '"';
            } else if (c == '(') {
                depth++;
                out.append(depth == 1 ? " " : "");
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0) {
                out.append(c);
                quoted = c == '"';
            }
        }
        return out.toString();
    }

    /** Statements separated by semicolons, each as words; {@code a = b} is one word {@code a=b}. */
    private static List<List<String>> statements(String text) {
        List<List<String>> statements = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                word.append(c);
                if (c == '\\' && i + 1 < text.length()) {
                    word.append(text.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                word.append(c);
                quoted = true;
            } else if (c == ';') {
                endWord(words, word);
                statements.add(joinEquals(words));
                words = new ArrayList<>();
            } else if (Character.isWhitespace(c)) {
                endWord(words, word);
            } else {
                word.append(c);
            }
        }
        endWord(words, word);
        statements.add(joinEquals(words));
        return statements;
    }

    private static void endWord(List<String> words, StringBuilder word) {
        if (!word.isEmpty()) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    /** Puts back together what spaces around {@code =} split: {@code dkim}, {@code =}, {@code pass} is {@code dkim=pass}. */
    private static List<String> joinEquals(List<String> words) {
        List<String> joined = new ArrayList<>();
        for (String word : words) {
            if (!joined.isEmpty() && (word.startsWith("=") || joined.get(joined.size() - 1).endsWith("="))) {
                joined.set(joined.size() - 1, joined.get(joined.size() - 1) + word);
            } else {
                joined.add(word);
            }
        }
        return joined;
    }

    private static String unquote(String value) {
        String text = value.strip();
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            return text.substring(1, text.length() - 1).replaceAll("\\\\(.)", "$1");
        }
        return text;
    }
}
