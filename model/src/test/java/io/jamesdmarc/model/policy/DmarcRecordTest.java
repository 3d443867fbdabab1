package io.jamesdmarc.model.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.jamesdmarc.model.vocabulary.Alignment;
import io.jamesdmarc.model.vocabulary.FailureOption;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.model.vocabulary.PsdFlag;

class DmarcRecordTest {

    private static DmarcRecord parse(String text) {
        try {
            return DmarcRecord.parse(text);
        } catch (DmarcRecordException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readsEveryTag() {
        DmarcRecord record = parse("v=DMARC1; p=reject; sp=quarantine; np=none; adkim=s; aspf=r; fo=1:d:s; "
            + "rua=mailto:agg@example.com; ruf=mailto:fail@example.com; t=y; psd=n; pct=50; rf=afrf; ri=3600");

        assertThat(record.policy()).contains(PolicyAction.REJECT);
        assertThat(record.subdomainPolicy()).contains(PolicyAction.QUARANTINE);
        assertThat(record.nonExistentSubdomainPolicy()).contains(PolicyAction.NONE);
        assertThat(record.dkimAlignment()).isEqualTo(Alignment.STRICT);
        assertThat(record.spfAlignment()).isEqualTo(Alignment.RELAXED);
        assertThat(record.failureOptions()).containsExactlyInAnyOrder(FailureOption.ANY_FAIL, FailureOption.DKIM, FailureOption.SPF);
        assertThat(record.fo()).contains("1:d:s");
        assertThat(record.rua()).extracting(u -> u.mailbox().orElseThrow()).containsExactly("agg@example.com");
        assertThat(record.ruf()).extracting(u -> u.mailbox().orElseThrow()).containsExactly("fail@example.com");
        assertThat(record.testing()).isTrue();
        assertThat(record.psdFlag()).isEqualTo(PsdFlag.NO);
        assertThat(record.pct()).contains(50);
        assertThat(record.tags()).containsKeys("p", "sp", "np", "adkim", "aspf", "fo", "rua", "ruf", "t", "psd", "pct", "rf", "ri");
        assertThat(record.hasValidPolicy()).isTrue();
        assertThat(record.problems()).containsExactlyInAnyOrder(
            "tag 'pct' is historic (RFC 9989): kept, not applied",
            "tag 'rf' is historic (RFC 9989): kept, not applied",
            "tag 'ri' is historic (RFC 9989): kept, not applied");
    }

    @Test
    void appliesTheDefaultsOfAbsentTags() {
        DmarcRecord record = parse("v=DMARC1; p=none");

        assertThat(record.dkimAlignment()).isEqualTo(Alignment.RELAXED);
        assertThat(record.spfAlignment()).isEqualTo(Alignment.RELAXED);
        assertThat(record.testing()).isFalse();
        assertThat(record.psdFlag()).isEqualTo(PsdFlag.UNKNOWN);
        assertThat(record.failureOptions()).containsExactly(FailureOption.ALL_FAIL);
        assertThat(record.sp()).isEmpty();
        assertThat(record.np()).isEmpty();
        assertThat(record.rua()).isEmpty();
        assertThat(record.problems()).isEmpty();
    }

    @Test
    void toleratesWhiteSpaceCaseAndTrailingSemicolons() {
        DmarcRecord record = parse("  v = DMARC1 ;P=Reject\t;  ADKIM =S ; rua = mailto:A@Example.COM , mailto:b@example.org ;;");

        assertThat(record.policy()).contains(PolicyAction.REJECT);
        assertThat(record.p().orElseThrow().raw()).isEqualTo("Reject");
        assertThat(record.dkimAlignment()).isEqualTo(Alignment.STRICT);
        assertThat(record.rua()).extracting(u -> u.mailbox().orElseThrow()).containsExactly("A@example.com", "b@example.org");
        assertThat(record.problems()).isEmpty();
    }

    @Test
    void theTagNameVIsCaseInsensitiveItsValueIsNot() {
        assertThat(DmarcRecord.isDmarcRecord("V=DMARC1; p=none")).isTrue();
        assertThat(DmarcRecord.isDmarcRecord("v=Dmarc1; p=none")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"p=reject; v=DMARC1", "v=dmarc1; p=reject", "v=DMARC2; p=reject", "v=DMARC10; p=none",
        "v=spf1 -all", "", "DMARC1", "vv=DMARC1"})
    void textWithoutVDmarc1FirstIsNotADmarcRecord(String text) {
        assertThatThrownBy(() -> DmarcRecord.parse(text)).isInstanceOf(DmarcRecordException.class);
        assertThat(DmarcRecord.isDmarcRecord(text)).isFalse();
    }

    @Test
    void theVersionAloneIsARecordWithoutPolicy() {
        DmarcRecord record = parse("v=DMARC1");

        assertThat(record.p()).isEmpty();
        assertThat(record.hasValidPolicy()).isFalse();
        assertThat(record.hasWellFormedRua()).isFalse();
    }

    @Test
    void anInvalidPolicyIsKeptAsWrittenAndMakesThePolicyInvalid() {
        DmarcRecord record = parse("v=DMARC1; p=block; rua=mailto:d@example.com");

        assertThat(record.p().orElseThrow().isKnown()).isFalse();
        assertThat(record.p().orElseThrow().raw()).isEqualTo("block");
        assertThat(record.policy()).isEmpty();
        assertThat(record.hasValidPolicy()).isFalse();
        assertThat(record.hasWellFormedRua()).isTrue();
        assertThat(record.problems()).containsExactly("p=block is not a valid value: the record has no valid policy");
    }

    @Test
    void anInvalidSubdomainPolicyMakesThePolicyInvalidToo() {
        assertThat(parse("v=DMARC1; p=reject; sp=rejected").hasValidPolicy()).isFalse();
        assertThat(parse("v=DMARC1; p=reject; np=0").hasValidPolicy()).isFalse();
    }

    @Test
    void invalidValuesOfOtherTagsFallBackToTheirDefaults() {
        DmarcRecord record = parse("v=DMARC1; p=none; adkim=x; aspf=strict; t=yes; psd=maybe; fo=2; pct=150");

        assertThat(record.dkimAlignment()).isEqualTo(Alignment.RELAXED);
        assertThat(record.spfAlignment()).isEqualTo(Alignment.RELAXED);
        assertThat(record.testing()).isFalse();
        assertThat(record.psdFlag()).isEqualTo(PsdFlag.UNKNOWN);
        assertThat(record.failureOptions()).containsExactly(FailureOption.ALL_FAIL);
        assertThat(record.pct()).isEmpty();
        assertThat(record.adkim().orElseThrow().raw()).isEqualTo("x");
        assertThat(record.problems()).contains("adkim=x is not a valid value: relaxed applies",
            "fo=2 has an invalid option '2': fo=0 applies", "pct=150 is not an integer from 0 to 100");
    }

    @Test
    void failureOptionsZeroAndOneExcludeEachOther() {
        DmarcRecord record = parse("v=DMARC1; p=none; fo=0:1");

        assertThat(record.failureOptions()).containsExactly(FailureOption.ALL_FAIL);
        assertThat(record.problems()).anyMatch(p -> p.contains("exclude each other"));
    }

    @Test
    void unknownTagsAreKeptAndIgnored() {
        DmarcRecord record = parse("v=DMARC1; p=quarantine; future=1; x=y");

        assertThat(record.policy()).contains(PolicyAction.QUARANTINE);
        assertThat(record.tags()).containsEntry("future", "1").containsEntry("x", "y");
        assertThat(record.problems()).containsExactly("unknown tag 'future' ignored", "unknown tag 'x' ignored");
    }

    @Test
    void malformedTagsAreIgnoredNotFatal() {
        DmarcRecord record = parse("v=DMARC1; p=reject; garbage; =x; 9a=1; sp=; v=DMARC1");

        assertThat(record.policy()).contains(PolicyAction.REJECT);
        assertThat(record.sp()).isEmpty();
        assertThat(record.problems()).containsExactly("'garbage' is not a tag=value pair: ignored",
            "'=x' is not a tag=value pair: ignored", "'9a' is not a tag name: ignored", "tag 'sp' has no value: ignored",
            "v repeated after the first tag: ignored");
    }

    @Test
    void aTagRepeatedWithDifferentValuesIsInvalid() {
        DmarcRecord record = parse("v=DMARC1; p=none; p=reject; rua=mailto:d@example.com");

        assertThat(record.hasValidPolicy()).isFalse();
        assertThat(record.p().orElseThrow().raw()).isEqualTo("none | reject");
        assertThat(record.problems()).contains("tag 'p' appears 2 times with different values: invalid");
    }

    @Test
    void aTagRepeatedWithTheSameValueIsAccepted() {
        DmarcRecord record = parse("v=DMARC1; p=reject; p=REJECT");

        assertThat(record.policy()).contains(PolicyAction.REJECT);
        assertThat(record.hasValidPolicy()).isTrue();
    }

    @Test
    void keepsTheObsoleteSizeLimitButDoesNotUseIt() {
        DmarcRecord record = parse("v=DMARC1; p=none; rua=mailto:a@example.com!10m,mailto:b@example.com!512,mailto:c@example.com!2K");

        assertThat(record.rua()).extracting(ReportUri::legacySizeLimit)
            .containsExactly(Optional.of(10L << 20), Optional.of(512L), Optional.of(2L << 10));
        assertThat(record.rua()).extracting(u -> u.mailbox().orElseThrow())
            .containsExactly("a@example.com", "b@example.com", "c@example.com");
    }

    @Test
    void ignoresUrisThatAreNotMailtoWithAReason() {
        DmarcRecord record = parse("v=DMARC1; p=none; rua=https://reports.example.com/dmarc, mailto:ok@example.com, "
            + "mailto:nobody, not a uri, mailto:x@bad..domain");

        assertThat(record.rua()).extracting(ReportUri::usable).containsExactly(false, true, false, false, false);
        assertThat(record.rua().get(0).wellFormed()).isTrue();
        assertThat(record.rua().get(0).ignoredBecause()).contains("scheme https is not supported, only mailto");
        assertThat(record.rua().get(2).ignoredBecause()).contains("mailto URI without a mail address");
        assertThat(record.rua().get(3).wellFormed()).isFalse();
        assertThat(record.rua().get(4).ignoredBecause().orElseThrow()).startsWith("mailto address has no valid domain");
    }

    @Test
    void aNonMailtoRuaStillCountsAsWellFormedForTheInvalidPolicyRule() {
        DmarcRecord record = parse("v=DMARC1; p=bogus; rua=https://reports.example.com/x");

        assertThat(record.hasWellFormedRua()).isTrue();
        assertThat(record.rua().getFirst().usable()).isFalse();
    }
}
