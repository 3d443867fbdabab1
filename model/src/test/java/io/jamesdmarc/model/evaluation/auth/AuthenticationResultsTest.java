package io.jamesdmarc.model.evaluation.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DnsSettings;
import io.jamesdmarc.model.evaluation.DkimCheck;
import io.jamesdmarc.model.evaluation.DmarcEvaluation;
import io.jamesdmarc.model.evaluation.DmarcEvaluator;
import io.jamesdmarc.model.evaluation.DmarcInputs;
import io.jamesdmarc.model.evaluation.EvaluationSettings;
import io.jamesdmarc.model.evaluation.SpfCheck;
import io.jamesdmarc.model.testing.LoopbackDnsServer;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;

/** The Authentication-Results field: exact text for the common case, RFC 8601 syntax for every case. */
class AuthenticationResultsTest {
    private static LoopbackDnsServer dns;
    private static DmarcEvaluator evaluator;
    private final AuthenticationResults formatter = new AuthenticationResults("mx.example.net");

    @BeforeAll
    static void zone() {
        dns = LoopbackDnsServer.start("""
            _dmarc.example.com.   TXT "v=DMARC1; p=reject; sp=quarantine"
            news.example.com.     A   192.0.2.1
            _dmarc.monitor.example. TXT "v=DMARC1; p=none"
            """);
        evaluator = new DmarcEvaluator(new DnsResolver(DnsSettings.of(List.of(dns.address()))), EvaluationSettings.DEFAULTS);
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static DkimSignatureResult signature(DkimResult result, String domain, String selector, String b, String why) {
        return new DkimSignatureResult(result, domain, selector, "rsa-sha256", b, Optional.ofNullable(why));
    }

    private static DmarcEvaluation evaluate(String from, Optional<SpfCheck> spf, List<DkimSignatureResult> dkim) {
        List<DkimCheck> checks = dkim.stream().filter(DkimSignatureResult::hasDomain).map(DkimSignatureResult::toCheck).toList();
        return evaluator.evaluate(new DmarcInputs(from == null ? List.of() : List.of(from), spf, checks));
    }

    @Test
    void writesOneResultPerLineAsOpenDmarcAndGmailDo() {
        List<DkimSignatureResult> dkim = List.of(
            signature(DkimResult.PASS, "example.com", "sel", "VqH6/dzB", null),
            signature(DkimResult.FAIL, "esp.example", "s1", "Xy12Zt9q", "body hash did not verify"));
        Optional<SpfCheck> spf = Optional.of(new SpfCheck(SpfResult.PASS, "bounces.example.com", SpfScope.MFROM));

        String field = formatter.format(evaluate("Alice <alice@example.com>", spf, dkim), dkim, spf);

        assertThat(field).isEqualTo("mx.example.net;\r\n"
            + "\tdkim=pass header.d=example.com header.s=sel header.a=rsa-sha256\r\n"
            + "\theader.b=\"VqH6/dzB\";\r\n"
            + "\tdkim=fail reason=\"body hash did not verify\" header.d=esp.example\r\n"
            + "\theader.s=s1 header.a=rsa-sha256 header.b=Xy12Zt9q;\r\n"
            + "\tspf=pass smtp.mailfrom=bounces.example.com;\r\n"
            + "\tdmarc=pass (p=reject sp=quarantine dis=pass) header.from=example.com\r\n"
            + "\tpolrec.p=reject");
        assertThat(field.split("\r\n")).allSatisfy(line -> assertThat(line.replace("\t", "        ").length()).isLessThanOrEqualTo(78));
        assertThat(parse(field).authservId()).isEqualTo("mx.example.net");
    }

    @Test
    void aFailingSubdomainShowsWhereThePolicyWasFound() {
        Optional<SpfCheck> spf = Optional.of(new SpfCheck(SpfResult.FAIL, "attacker.example", SpfScope.MFROM,
            Optional.of("attacker.example does not designate 203.0.113.9 as permitted sender")));

        Parsed parsed = parse(formatter.format(evaluate("ceo@news.example.com", spf, List.of()), List.of(), spf));

        assertThat(parsed.results()).extracting(Result::method, Result::result)
            .containsExactly(tuple("dkim", "none"), tuple("spf", "fail"), tuple("dmarc", "fail"));
        Result dmarc = parsed.results().get(2);
        assertThat(dmarc.reason()).isPresent();
        assertThat(dmarc.properties()).containsEntry("header.from", "news.example.com")
            .containsEntry("polrec.p", "reject").containsEntry("polrec.domain", "example.com");
        assertThat(parsed.results().get(1).properties()).containsEntry("smtp.mailfrom", "attacker.example");
    }

    @Test
    void temporaryAndPermanentErrorsCarryTheirReason() {
        List<DkimSignatureResult> dkim = List.of(
            signature(DkimResult.TEMPERROR, "example.com", "sel", "abcdefgh", "key unavailable: sel._domainkey.example.com: SERVFAIL"),
            signature(DkimResult.PERMERROR, "example.com", "old", "ijklmnop", "no key for signature"),
            signature(DkimResult.NEUTRAL, "", "", "", "Invalid signature record: Missing mandatory tag: d"));
        Optional<SpfCheck> spf = Optional.of(new SpfCheck(SpfResult.TEMPERROR, "example.com", SpfScope.MFROM,
            Optional.of("DNS failure: Timeout querying dns")));

        Parsed parsed = parse(formatter.format(evaluate("a@example.com", spf, dkim), dkim, spf));

        assertThat(parsed.results()).extracting(Result::method, Result::result).startsWith(
            tuple("dkim", "temperror"), tuple("dkim", "permerror"), tuple("dkim", "neutral"), tuple("spf", "temperror"));
        assertThat(parsed.results().get(0).reason()).contains("key unavailable: sel._domainkey.example.com: SERVFAIL");
        assertThat(parsed.results().get(2).properties()).doesNotContainKeys("header.d", "header.s", "header.b");
        assertThat(parsed.results().get(3).reason()).contains("DNS failure: Timeout querying dns");
    }

    @Test
    void quotesWhatIsNotATokenAndCleansWhatCannotTravel() {
        List<DkimSignatureResult> dkim = List.of(
            signature(DkimResult.FAIL, "example.com", "sel;evil=\"x\"", "ab/c+d=e", "line one\r\nline \"two\" \\ caf\u00e9"));
        Optional<SpfCheck> spf = Optional.of(new SpfCheck(SpfResult.NONE, "example.com", SpfScope.MFROM));

        String field = formatter.format(evaluate("a@example.com", spf, dkim), dkim, spf);
        Result result = parse(field).results().getFirst();

        assertThat(result.properties()).containsEntry("header.s", "sel;evil=\"x\"").containsEntry("header.b", "ab/c+d=e");
        assertThat(result.reason()).contains("line one  line \"two\" \\ caf?");
        assertThat(field.chars()).allMatch(c -> c < 128);
    }

    @Test
    void theHeloIdentityIsReportedAsSmtpHelo() {
        Optional<SpfCheck> spf = Optional.of(new SpfCheck(SpfResult.PASS, "mail.example.org", SpfScope.HELO));

        Parsed parsed = parse(formatter.format(evaluate("postmaster@monitor.example", spf, List.of()), List.of(), spf));

        assertThat(parsed.results().get(1).properties()).containsExactly(Map.entry("smtp.helo", "mail.example.org"));
        assertThat(parsed.results().get(2).result()).isEqualTo("fail");
    }

    @Test
    void withoutSpfIdentityNorFromTheResultsStillParse() {
        Parsed parsed = parse(formatter.format(evaluate(null, Optional.empty(), List.of()), List.of(), Optional.empty()));

        assertThat(parsed.results()).extracting(Result::method, Result::result)
            .containsExactly(tuple("dkim", "none"), tuple("spf", "none"), tuple("dmarc", "permerror"));
        assertThat(parsed.results().get(2).reason()).hasValueSatisfying(why -> assertThat(why).contains("no From"));
    }

    @Test
    void aVeryLongReasonIsShortened() {
        List<DkimSignatureResult> dkim = List.of(signature(DkimResult.FAIL, "example.com", "sel", "abcdefgh", "x".repeat(5000)));

        String field = formatter.format(evaluate("a@example.com", Optional.empty(), dkim), dkim, Optional.empty());

        assertThat(field.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThan(998));
        assertThat(parse(field).results().getFirst().reason()).hasValueSatisfying(why -> assertThat(why).endsWith("..."));
    }

    @Test
    void readsTheAuthservIdOfAnExistingFieldToRemoveForgedOnes() {
        assertThat(AuthenticationResults.authservIdOf("mx.example.net; spf=pass smtp.mailfrom=example.com"))
            .contains("mx.example.net");
        assertThat(AuthenticationResults.authservIdOf(" (forged (nested) comment)\r\n\tmx.example.net 1; none")).contains("mx.example.net");
        assertThat(AuthenticationResults.authservIdOf("\"mx.example.net\"; none")).contains("mx.example.net");
        assertThat(AuthenticationResults.authservIdOf("; none")).isEmpty();
        assertThat(AuthenticationResults.authservIdOf("   ")).isEmpty();
    }

    @Test
    void refusesAnAuthservIdThatIsNotAToken() {
        assertThatThrownBy(() -> new AuthenticationResults("mx.example.net; dkim=pass"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("authserv-id");
        assertThatThrownBy(() -> new AuthenticationResults(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }

    // ---- an RFC 8601 section 2.2 reader, strict on the grammar, to check what the formatter writes ----

    record Parsed(String authservId, List<Result> results) {
    }

    record Result(String method, String result, Optional<String> reason, Map<String, String> properties) {
    }

    static Parsed parse(String field) {
        Reader reader = new Reader(field.replaceAll("\r\n(?=[ \t])", ""));
        String authservId = reader.value();
        List<Result> results = new ArrayList<>();
        while (reader.more()) {
            reader.expect(';');
            String method = reader.token();
            reader.expect('=');
            String result = reader.token();
            Optional<String> reason = Optional.empty();
            Map<String, String> properties = new LinkedHashMap<>();
            while (reader.more() && reader.peek() != ';') {
                String name = reader.token();
                reader.expect('=');
                String value = reader.value();
                if (name.equals("reason")) {
                    assertThat(reason).as("one reason, before the properties").isEmpty();
                    assertThat(properties).as("reason before the properties").isEmpty();
                    reason = Optional.of(value);
                } else {
                    assertThat(name).as("ptype.property").matches("[a-z]+\\.[a-z-]+");
                    properties.put(name, value);
                }
            }
            results.add(new Result(method, result, reason, properties));
        }
        return new Parsed(authservId, results);
    }

    /** Tokens, quoted-strings and comments of RFC 2045 / RFC 5322. */
    private static final class Reader {
        private static final String TSPECIALS = "()<>@,;:\\\"/[]?=";
        private final String text;
        private int at;

        Reader(String text) {
            this.text = text;
        }

        boolean more() {
            skip();
            return at < text.length();
        }

        char peek() {
            skip();
            return text.charAt(at);
        }

        void expect(char c) {
            skip();
            assertThat(at).as("'" + c + "' expected at the end of " + text).isLessThan(text.length());
            assertThat(text.charAt(at)).as("'" + c + "' expected at " + at + " in " + text).isEqualTo(c);
            at++;
        }

        String token() {
            skip();
            int start = at;
            while (at < text.length() && isTokenChar(text.charAt(at))) {
                at++;
            }
            assertThat(at).as("a token at " + start + " in " + text).isGreaterThan(start);
            return text.substring(start, at);
        }

        String value() {
            skip();
            if (at < text.length() && text.charAt(at) == '"') {
                StringBuilder value = new StringBuilder();
                for (at++; at < text.length(); at++) {
                    char c = text.charAt(at);
                    if (c == '"') {
                        at++;
                        return value.toString();
                    }
                    assertThat(c).as("no control character in a quoted-string").isGreaterThanOrEqualTo(' ');
                    if (c == '\\') {
                        c = text.charAt(++at);
                    }
                    value.append(c);
                }
                throw new AssertionError("unterminated quoted-string in " + text);
            }
            return token();
        }

        private void skip() {
            int depth = 0;
            while (at < text.length()) {
                char c = text.charAt(at);
                if (c == '(') {
                    depth++;
                } else if (c == ')' && depth > 0) {
                    depth--;
                } else if (depth == 0 && c != ' ' && c != '\t') {
                    return;
                }
                at++;
            }
        }

        private static boolean isTokenChar(char c) {
            return c > ' ' && c < 127 && TSPECIALS.indexOf(c) < 0;
        }
    }
}
