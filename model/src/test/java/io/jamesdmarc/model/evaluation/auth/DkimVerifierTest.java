package io.jamesdmarc.model.evaluation.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.common.io.ByteSource;

import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DnsSettings;
import io.jamesdmarc.model.testing.DkimTestKey;
import io.jamesdmarc.model.testing.LoopbackDnsServer;
import io.jamesdmarc.model.testing.LoopbackDnsServer.Fault;
import io.jamesdmarc.model.vocabulary.DkimResult;

/** Every DKIM outcome, with messages signed by jdkim in the test and keys served by a loopback DNS server. */
class DkimVerifierTest {
    private static final String MESSAGE = """
        From: Alice <alice@example.com>\r
        To: bob@example.net\r
        Subject: quarterly figures\r
        Date: Mon, 4 May 2026 10:15:30 +0000\r
        Message-ID: <figures-1@example.com>\r
        \r
        The figures are attached.\r
        """;

    private static DkimTestKey author;
    private static DkimTestKey esp;
    private static DkimTestKey shortKey;
    private static LoopbackDnsServer dns;
    private DnsResolver resolver;

    @BeforeAll
    static void keys() {
        author = DkimTestKey.generate(2048);
        esp = DkimTestKey.generate(2048);
        shortKey = DkimTestKey.generate(512);
        dns = LoopbackDnsServer.start();
        author.publish(dns, "sel", "example.com");
        esp.publish(dns, "esp1", "esp.example");
        shortKey.publish(dns, "weak", "example.com");
        DkimTestKey.publish(dns, "revoked", "example.com", "v=DKIM1; k=rsa; p=");
        DkimTestKey.publish(dns, "garbage", "example.com", "this is not a key");
        DkimTestKey.publish(dns, "flaky", "example.com", author.keyRecord());
        DkimTestKey.publish(dns, "slow", "example.com", author.keyRecord());
        dns.failWith("flaky._domainkey.example.com", Fault.SERVFAIL);
        dns.failWith("slow._domainkey.example.com", Fault.DROP);
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    @BeforeEach
    void resolver() {
        dns.clearQueries();
        resolver = new DnsResolver(DnsSettings.of(List.of(dns.address())).withTimeout(Duration.ofMillis(300)).withAttempts(1));
    }

    private List<DkimSignatureResult> verify(byte[] message) throws Exception {
        return new DkimVerifier(resolver).verify(ByteSource.wrap(message));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSignatureThatVerifiesPasses() throws Exception {
        List<DkimSignatureResult> results = verify(author.sign(bytes(MESSAGE), "example.com", "sel"));

        assertThat(results).hasSize(1);
        DkimSignatureResult result = results.getFirst();
        assertThat(result.result()).isEqualTo(DkimResult.PASS);
        assertThat(result.domain()).isEqualTo("example.com");
        assertThat(result.selector()).isEqualTo("sel");
        assertThat(result.algorithm()).isEqualTo("rsa-sha256");
        assertThat(result.signaturePrefix()).hasSize(8);
        assertThat(result.humanResult()).isEmpty();
        assertThat(dns.txtQueries()).containsExactly("sel._domainkey.example.com");
    }

    @Test
    void bareLineFeedsAreReadAsTheCrlfTheyStandFor() throws Exception {
        byte[] signed = author.sign(bytes(MESSAGE), "example.com", "sel");
        String withLf = new String(signed, StandardCharsets.UTF_8).replace("\r\n", "\n");

        assertThat(verify(bytes(withLf))).extracting(DkimSignatureResult::result).containsExactly(DkimResult.PASS);
    }

    @Test
    void aModifiedBodyFails() throws Exception {
        String signed = new String(author.sign(bytes(MESSAGE), "example.com", "sel"), StandardCharsets.UTF_8);

        List<DkimSignatureResult> results = verify(bytes(signed.replace("attached", "enclosed")));

        assertThat(results.getFirst().result()).isEqualTo(DkimResult.FAIL);
        assertThat(results.getFirst().humanResult()).contains("body hash did not verify");
    }

    @Test
    void aModifiedSignedHeaderFails() throws Exception {
        String signed = new String(author.sign(bytes(MESSAGE), "example.com", "sel"), StandardCharsets.UTF_8);

        List<DkimSignatureResult> results = verify(bytes(signed.replace("quarterly figures", "urgent: wire transfer")));

        assertThat(results.getFirst().result()).isEqualTo(DkimResult.FAIL);
        assertThat(results.getFirst().humanResult()).hasValueSatisfying(why -> assertThat(why).containsIgnoringCase("signature"));
    }

    @Test
    void noKeyRecordIsAPermanentError() throws Exception {
        List<DkimSignatureResult> results = verify(author.sign(bytes(MESSAGE), "example.com", "missing"));

        assertThat(results.getFirst().result()).isEqualTo(DkimResult.PERMERROR);
        assertThat(results.getFirst().humanResult()).hasValueSatisfying(why -> assertThat(why).contains("no key for signature"));
    }

    @Test
    void aRevokedOrUnreadableKeyIsAPermanentError() throws Exception {
        assertThat(verify(author.sign(bytes(MESSAGE), "example.com", "revoked")).getFirst().result())
            .isEqualTo(DkimResult.PERMERROR);
        assertThat(verify(author.sign(bytes(MESSAGE), "example.com", "garbage")).getFirst().result())
            .isEqualTo(DkimResult.PERMERROR);
    }

    @Test
    void aKeyLookupThatFailsForNowIsATemporaryError() throws Exception {
        DkimSignatureResult servfail = verify(author.sign(bytes(MESSAGE), "example.com", "flaky")).getFirst();
        DkimSignatureResult timeout = verify(author.sign(bytes(MESSAGE), "example.com", "slow")).getFirst();

        assertThat(servfail.result()).isEqualTo(DkimResult.TEMPERROR);
        assertThat(servfail.humanResult()).hasValueSatisfying(why -> assertThat(why).contains("key unavailable"));
        assertThat(timeout.result()).isEqualTo(DkimResult.TEMPERROR);
    }

    @Test
    void eachOfSeveralSignaturesHasItsOwnResultInHeaderOrder() throws Exception {
        byte[] byEsp = esp.sign(bytes(MESSAGE), "esp.example", "esp1");
        byte[] byBoth = author.sign(byEsp, "example.com", "sel");
        String tampered = new String(author.sign(byBoth, "example.com", "missing"), StandardCharsets.UTF_8);

        List<DkimSignatureResult> results = verify(bytes(tampered));

        assertThat(results).extracting(DkimSignatureResult::domain, DkimSignatureResult::selector, DkimSignatureResult::result)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple("example.com", "missing", DkimResult.PERMERROR),
                org.assertj.core.groups.Tuple.tuple("example.com", "sel", DkimResult.PASS),
                org.assertj.core.groups.Tuple.tuple("esp.example", "esp1", DkimResult.PASS));
    }

    @Test
    void aSignatureThatCannotBeParsedIsNeutralAndKeepsWhatCanBeRead() throws Exception {
        String message = "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; h=to:subject; bh=AAAA; b=BBBBBBBBBBBB\r\n"
            + "DKIM-Signature: this is not a tag list\r\n" + MESSAGE;

        List<DkimSignatureResult> results = verify(bytes(message));

        assertThat(results).extracting(DkimSignatureResult::result).containsExactly(DkimResult.NEUTRAL, DkimResult.NEUTRAL);
        assertThat(results.getFirst().domain()).isEqualTo("example.com");
        assertThat(results.getFirst().humanResult()).hasValueSatisfying(why -> assertThat(why).contains("From field not signed"));
        assertThat(results.get(1).hasDomain()).isFalse();
        assertThat(dns.txtQueries()).isEmpty();
    }

    @Test
    void anAlgorithmJdkimCannotCheckIsNeutralWithoutAKeyLookup() throws Exception {
        String message = "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com; s=ed;"
            + " h=from:to:subject; bh=AAAA; b=BBBBBBBBBBBB\r\n" + MESSAGE;

        DkimSignatureResult result = verify(bytes(message)).getFirst();

        assertThat(result.result()).isEqualTo(DkimResult.NEUTRAL);
        assertThat(result.humanResult()).contains("unsupported algorithm ed25519-sha256");
        assertThat(dns.txtQueries()).isEmpty();
    }

    @Test
    void anExpiredSignatureIsRefusedByPolicyWithoutAKeyLookup() throws Exception {
        String message = "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; t=1000000000; x=1000086400;"
            + " h=from:to:subject; bh=AAAA; b=BBBBBBBBBBBB\r\n" + MESSAGE;

        DkimSignatureResult result = verify(bytes(message)).getFirst();

        assertThat(result.result()).isEqualTo(DkimResult.POLICY);
        assertThat(result.humanResult()).contains("signature expired");
        assertThat(dns.txtQueries()).isEmpty();
    }

    @Test
    void aSignerClockAFewSecondsAheadIsToleratedButNotHoursAhead() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        byte[] slightlyAhead = author.sign(bytes(MESSAGE), "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel; t="
            + (now + 60) + "; h=from:to:subject; bh=; b=;");
        byte[] hoursAhead = author.sign(bytes(MESSAGE), "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel; t="
            + (now + 7200) + "; h=from:to:subject; bh=; b=;");

        assertThat(verify(slightlyAhead).getFirst().result()).isEqualTo(DkimResult.PASS);
        DkimSignatureResult future = verify(hoursAhead).getFirst();
        assertThat(future.result()).isEqualTo(DkimResult.POLICY);
        assertThat(future.humanResult()).contains("signature timestamp in the future");
    }

    @Test
    void rsaSha1AndShortKeysVerifyButAreRefusedAsRfc8301Asks() throws Exception {
        DkimSignatureResult sha1 = verify(author.sign(bytes(MESSAGE),
            "v=1; a=rsa-sha1; c=relaxed/relaxed; d=example.com; s=sel; h=from:to:subject; bh=; b=;")).getFirst();
        DkimSignatureResult weak = verify(shortKey.sign(bytes(MESSAGE), "example.com", "weak")).getFirst();

        assertThat(sha1.result()).isEqualTo(DkimResult.POLICY);
        assertThat(sha1.humanResult()).hasValueSatisfying(why -> assertThat(why).contains("rsa-sha1"));
        assertThat(weak.result()).isEqualTo(DkimResult.POLICY);
        assertThat(weak.humanResult()).hasValueSatisfying(why -> assertThat(why).contains("512-bit key"));
    }

    @Test
    void signaturesPastTheLimitAreNotLookedUp() throws Exception {
        byte[] first = author.sign(bytes(MESSAGE), "example.com", "sel");
        byte[] second = author.sign(first, "v=1; a=rsa-sha256; c=simple/simple; d=example.com; s=sel; h=from:subject; bh=; b=;");
        byte[] three = author.sign(second, "example.com", "missing");

        List<DkimSignatureResult> results = new DkimVerifier(resolver, 2).verify(ByteSource.wrap(three));

        assertThat(results).extracting(DkimSignatureResult::result)
            .containsExactly(DkimResult.PERMERROR, DkimResult.PASS, DkimResult.POLICY);
        assertThat(results.get(2).humanResult()).contains("not verified: more than 2 signatures");
        assertThat(dns.txtQueries()).hasSize(2);
    }

    @Test
    void aFieldRepeatedWordForWordIsOneSignature() throws Exception {
        String signed = new String(author.sign(bytes(MESSAGE), "example.com", "sel"), StandardCharsets.UTF_8);
        String field = signed.substring(0, signed.indexOf("\r\nFrom:") + 2);

        List<DkimSignatureResult> results = new DkimVerifier(resolver, 1).verify(ByteSource.wrap(bytes(field + signed)));

        assertThat(results).extracting(DkimSignatureResult::result).containsExactly(DkimResult.PASS, DkimResult.PASS);
    }

    @Test
    void aMessageJdkimCannotParseLeavesEachSignatureNeutral() throws Exception {
        byte[] signed = author.sign(bytes(MESSAGE), "example.com", "sel");
        String filler = "X-Filler: padding\r\n".repeat(1100);
        String text = new String(signed, StandardCharsets.UTF_8);
        int body = text.indexOf("\r\n\r\n") + 2;

        List<DkimSignatureResult> results = verify(bytes(text.substring(0, body) + filler + text.substring(body)));

        assertThat(results).singleElement().satisfies(result -> {
            assertThat(result.result()).isEqualTo(DkimResult.NEUTRAL);
            assertThat(result.domain()).isEqualTo("example.com");
            assertThat(result.humanResult()).hasValueSatisfying(why -> assertThat(why).startsWith("message cannot be processed"));
        });
    }

    @Test
    void anUnsignedMessageHasNoResult() throws Exception {
        assertThat(verify(bytes(MESSAGE))).isEmpty();
    }

    @Test
    void aSignatureWithoutDomainCannotBecomeADmarcInput() {
        DkimSignatureResult withoutDomain = new DkimSignatureResult(DkimResult.NEUTRAL, "", "", "", "", Optional.of("x"));
        DkimSignatureResult signed = new DkimSignatureResult(DkimResult.PASS, "example.com", "sel", "rsa-sha256", "abcdefgh",
            Optional.empty());

        assertThat(withoutDomain.hasDomain()).isFalse();
        assertThat(signed.toCheck().domain()).isEqualTo("example.com");
        assertThat(signed.toCheck().selector()).isEqualTo("sel");
        assertThat(signed.toCheck().result()).isEqualTo(DkimResult.PASS);
    }
}
