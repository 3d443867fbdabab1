package io.jamesdmarc.model.evaluation.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever an evaluation record holds (any text, unpaired surrogates and control characters
 * included, values outside every vocabulary, absent and present options), the spool line gives it
 * back equal.
 */
class EvaluationRecordRoundTripTest {

    @Property(tries = 1000)
    void aSpooledRecordReadsBackEqual(@ForAll("records") EvaluationRecord record) throws Exception {
        String line = EvaluationRecordCodec.toLine(record);

        assertThat(line).doesNotContain("\n", "\r");
        assertThat(line.chars()).allMatch(c -> c >= ' ' && c < 128);
        assertThat(EvaluationRecordCodec.fromLine(line)).isEqualTo(record);
    }

    @Provide
    Arbitrary<EvaluationRecord> records() {
        Arbitrary<Head> head = Combinators.combine(text(), instants(), sourceIps(), text().optional(), text().optional(),
            text().list().ofMaxSize(3), text().optional()).as(Head::new);
        Arbitrary<Tail> tail = Combinators.combine(Arbitraries.of(DmarcResult.class), Arbitraries.of(Disposition.class), text(),
            dkim().list().ofMaxSize(3), spf().optional(), verdicts().list().ofMaxSize(2), failures().optional()).as(Tail::new);
        return Combinators.combine(head, tail).as((h, t) -> new EvaluationRecord(h.id(), h.evaluatedAt(), h.sourceIp(), h.helo(),
            h.envelopeFrom(), h.envelopeTo(), h.messageId(), t.result(), t.disposition(), t.explanation(), t.dkim(), t.spf(),
            t.domains(), t.failure()));
    }

    private record Head(String id, Instant evaluatedAt, SourceIp sourceIp, Optional<String> helo, Optional<String> envelopeFrom,
                        List<String> envelopeTo, Optional<String> messageId) {
    }

    private record Tail(DmarcResult result, Disposition disposition, String explanation, List<DkimAuthResult> dkim,
                        Optional<SpfAuthResult> spf, List<DomainVerdict> domains, Optional<FailureDetails> failure) {
    }

    private record Aligned(Optional<String> dkimDomain, Optional<String> dkimSelector, Optional<String> spfDomain) {
    }

    private static Arbitrary<String> text() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(24),
            Arbitraries.strings().withCharRange('a', 'z').withChars('.', '-').ofMinLength(1).ofMaxLength(20));
    }

    private static Arbitrary<Instant> instants() {
        return Combinators.combine(Arbitraries.longs().between(0, 4_102_444_800L), Arbitraries.integers().between(0, 999_999_999))
            .as(Instant::ofEpochSecond);
    }

    private static Arbitrary<SourceIp> sourceIps() {
        Arbitrary<SourceIp> v4 = Arbitraries.bytes().array(byte[].class).ofSize(4).map(EvaluationRecordRoundTripTest::address);
        Arbitrary<SourceIp> v6 = Arbitraries.bytes().array(byte[].class).ofSize(16).map(EvaluationRecordRoundTripTest::address);
        return Arbitraries.oneOf(v4, v6, text().map(SourceIp::parse));
    }

    private static SourceIp address(byte[] bytes) {
        try {
            return SourceIp.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static <E extends Enum<E> & Vocabulary> Arbitrary<Enumerated<E>> enumerated(Class<E> type) {
        return Arbitraries.oneOf(Arbitraries.of(type).map(Enumerated::of), text().map(raw -> Enumerated.parse(type, raw)));
    }

    private static Arbitrary<DkimAuthResult> dkim() {
        return Combinators.combine(text(), text().optional(), enumerated(DkimResult.class), text().optional())
            .as(DkimAuthResult::new);
    }

    private static Arbitrary<SpfAuthResult> spf() {
        return Combinators.combine(text(), enumerated(SpfScope.class).optional(), enumerated(SpfResult.class), text().optional())
            .as(SpfAuthResult::new);
    }

    private static Arbitrary<PolicyPublished> published() {
        Arbitrary<Optional<Integer>> pct = Arbitraries.integers().between(0, 100).optional();
        return Combinators.combine(text(), enumerated(Alignment.class), enumerated(Alignment.class), enumerated(PolicyAction.class),
                enumerated(PolicyAction.class), enumerated(PolicyAction.class).optional(), pct, text().optional())
            .flatAs((domain, adkim, aspf, p, sp, np, percent, fo) -> Combinators.combine(enumerated(YesNo.class).optional(),
                    enumerated(DiscoveryMethod.class).optional(), enumerated(PsdFlag.class).optional())
                .as((testing, method, psd) -> new PolicyPublished(domain, adkim, aspf, p, sp, np, percent, fo, testing, method, psd)));
    }

    private static Arbitrary<PolicyEvaluated> evaluated() {
        Arbitrary<PolicyOverrideReason> reason = Combinators.combine(enumerated(OverrideType.class), text().optional())
            .as(PolicyOverrideReason::new);
        return Combinators.combine(enumerated(Disposition.class), enumerated(PolicyResult.class).optional(),
            enumerated(PolicyResult.class).optional(), reason.list().ofMaxSize(2)).as(PolicyEvaluated::new);
    }

    private static Arbitrary<DomainVerdict> verdicts() {
        Arbitrary<RecordedPolicy> policy = Combinators.combine(text(), published(), text().list().ofMaxSize(2),
            text().list().ofMaxSize(2)).as(RecordedPolicy::new);
        Arbitrary<Aligned> aligned = Combinators.combine(text().optional(), text().optional(), text().optional()).as(Aligned::new);
        Arbitrary<Set<FailureOption>> triggers = Arbitraries.subsetOf(FailureOption.values());
        return Combinators.combine(text(), Arbitraries.of(DmarcResult.class), text(), policy.optional(), evaluated(), aligned,
                triggers)
            .as((from, result, explanation, recorded, evaluated, a, fo) -> new DomainVerdict(from, result, explanation, recorded,
                evaluated, a.dkimDomain(), a.dkimSelector(), a.spfDomain(), fo));
    }

    private static Arbitrary<FailureDetails> failures() {
        return Combinators.combine(text().optional(), text().list().ofMaxSize(3), instants(), text().optional(),
            Arbitraries.strings().all().ofMaxLength(200), Arbitraries.of(true, false)).as(FailureDetails::new);
    }
}
