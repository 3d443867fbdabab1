package io.jamesdmarc.storage.testing;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.jamesdmarc.model.aggregate.DkimAuthResult;
import io.jamesdmarc.model.aggregate.PolicyEvaluated;
import io.jamesdmarc.model.aggregate.PolicyOverrideReason;
import io.jamesdmarc.model.aggregate.PolicyPublished;
import io.jamesdmarc.model.aggregate.SourceIp;
import io.jamesdmarc.model.aggregate.SpfAuthResult;
import io.jamesdmarc.model.evaluation.record.DomainVerdict;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.evaluation.record.FailureDetails;
import io.jamesdmarc.model.evaluation.record.RecordedPolicy;
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
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;

/**
 * Evaluation records built directly, for storage tests and benchmarks: a {@link Builder} with the
 * values of an ordinary passing message, and {@link #generated} for varied records in bulk.
 */
public final class EvaluationFixtures {

    private EvaluationFixtures() {
    }

    public static Builder evaluation() {
        return new Builder();
    }

    /** The policy an ordinary record of {@code domain} publishes: {@code p=reject} with rua and ruf. */
    public static RecordedPolicy policy(String domain, PolicyAction p) {
        PolicyPublished published = new PolicyPublished(domain, Enumerated.of(Alignment.RELAXED), Enumerated.of(Alignment.RELAXED),
            Enumerated.of(p), Enumerated.of(p), Optional.empty(), Optional.empty(), Optional.of("1"), Optional.empty(),
            Optional.of(Enumerated.of(DiscoveryMethod.TREEWALK)), Optional.empty());
        return new RecordedPolicy("v=DMARC1; p=" + p.token() + "; rua=mailto:dmarc@" + domain + "; ruf=mailto:fail@" + domain
            + "; fo=1", published, List.of("mailto:dmarc@" + domain), List.of("mailto:fail@" + domain));
    }

    public static DkimAuthResult dkim(String domain, String selector, DkimResult result) {
        return new DkimAuthResult(domain, Optional.of(selector), Enumerated.of(result), Optional.empty());
    }

    public static SpfAuthResult spf(String domain, SpfResult result) {
        return new SpfAuthResult(domain, Optional.of(Enumerated.of(SpfScope.MFROM)), Enumerated.of(result), Optional.empty());
    }

    public static SourceIp ip(String address) {
        return SourceIp.parse(address);
    }

    /**
     * The {@code n}-th of a stream of varied records, all evaluated at {@code at}: three policy
     * domains, a few thousand source addresses, about one in four failing and one in ten owing a
     * failure report (with a 2 KB header). Cheap to make, so millions can be produced as they are stored.
     */
    public static EvaluationRecord generated(long n, Instant at) {
        String[] domains = {"example.com", "example.org", "shop.example.net"};
        String domain = domains[(int) (n % domains.length)];
        int host = (int) (n % 4093);
        String source = "198.51." + (100 + host / 256) + "." + (host % 256);
        boolean fails = n % 4 == 3;
        boolean failureReport = n % 10 == 9;
        Builder builder = evaluation().id(UUID.randomUUID().toString()).at(at).source(source)
            .headerFrom(domain).envelopeFrom(fails ? "bounce.example" : domain).envelopeTo("example.net")
            .messageId("<" + n + "@" + domain + ">")
            .policy(policy(domain, n % 5 == 0 ? PolicyAction.REJECT : PolicyAction.QUARANTINE));
        if (fails) {
            builder.dkim(dkim("bounce.example", "s" + (n % 7), DkimResult.PASS), dkim(domain, "sel", DkimResult.FAIL))
                .spf(spf("bounce.example", SpfResult.SOFTFAIL))
                .evaluated(DmarcResult.FAIL, Disposition.QUARANTINE, PolicyResult.FAIL, PolicyResult.FAIL);
        } else {
            builder.dkim(dkim(domain, "sel", DkimResult.PASS)).spf(spf(domain, SpfResult.PASS));
        }
        if (failureReport) {
            builder.failureReport(EnumSet.of(FailureOption.ANY_FAIL), "Received: from mx (mx [" + source + "])\r\n".repeat(40)
                + "From: someone@" + domain + "\r\nSubject: order " + n + "\r\n");
        }
        return builder.build();
    }

    /** Builds an {@link EvaluationRecord}; every value has a default of an ordinary passing message. */
    public static final class Builder {
        private String id = UUID.randomUUID().toString();
        private Instant at = Instant.parse("2026-05-20T10:00:00.123456Z");
        private SourceIp source = EvaluationFixtures.ip("192.0.2.1");
        private Optional<String> helo = Optional.of("mail.example.com");
        private Optional<String> envelopeFrom = Optional.of("example.com");
        private List<String> envelopeTo = List.of("example.net");
        private Optional<String> messageId = Optional.of("<1@example.com>");
        private List<DkimAuthResult> dkim = List.of(EvaluationFixtures.dkim("example.com", "sel", DkimResult.PASS));
        private Optional<SpfAuthResult> spf = Optional.of(EvaluationFixtures.spf("example.com", SpfResult.PASS));
        private String headerFrom = "example.com";
        private Optional<RecordedPolicy> policy = Optional.of(EvaluationFixtures.policy("example.com", PolicyAction.REJECT));
        private DmarcResult result = DmarcResult.PASS;
        private Disposition disposition = Disposition.PASS;
        private Optional<PolicyResult> policyDkim = Optional.of(PolicyResult.PASS);
        private Optional<PolicyResult> policySpf = Optional.of(PolicyResult.PASS);
        private List<PolicyOverrideReason> reasons = List.of();
        private Set<FailureOption> triggers = EnumSet.noneOf(FailureOption.class);
        private Optional<FailureDetails> failure = Optional.empty();
        private final List<DomainVerdict> extraDomains = new ArrayList<>();

        public Builder id(String value) {
            id = value;
            return this;
        }

        public Builder at(Instant value) {
            at = value;
            return this;
        }

        public Builder source(String address) {
            source = ip(address);
            return this;
        }

        public Builder helo(Optional<String> value) {
            helo = value;
            return this;
        }

        public Builder envelopeFrom(String domain) {
            envelopeFrom = Optional.ofNullable(domain);
            return this;
        }

        public Builder envelopeTo(String... domains) {
            envelopeTo = List.of(domains);
            return this;
        }

        public Builder messageId(String value) {
            messageId = Optional.ofNullable(value);
            return this;
        }

        public Builder dkim(DkimAuthResult... results) {
            dkim = Arrays.asList(results);
            return this;
        }

        public Builder spf(SpfAuthResult value) {
            spf = Optional.ofNullable(value);
            return this;
        }

        public Builder headerFrom(String domain) {
            headerFrom = domain;
            return this;
        }

        public Builder policy(RecordedPolicy value) {
            policy = Optional.ofNullable(value);
            return this;
        }

        /** The author domain's verdict; the message's result and disposition follow it. */
        public Builder evaluated(DmarcResult dmarc, Disposition applied, PolicyResult alignedDkim, PolicyResult alignedSpf) {
            result = dmarc;
            disposition = applied;
            policyDkim = Optional.ofNullable(alignedDkim);
            policySpf = Optional.ofNullable(alignedSpf);
            return this;
        }

        public Builder reasons(PolicyOverrideReason... values) {
            reasons = List.of(values);
            return this;
        }

        public static PolicyOverrideReason reason(OverrideType type, String comment) {
            return new PolicyOverrideReason(Enumerated.of(type), Optional.ofNullable(comment));
        }

        /** A failure report due for the author domain, with the message's header section. */
        public Builder failureReport(Set<FailureOption> fo, String headers) {
            triggers = fo;
            failure = Optional.of(new FailureDetails(Optional.of("bounce@" + envelopeFrom.orElse("example.com")),
                List.of("bob@example.net"), at.minusMillis(250), Optional.of("Order caf\u00e9 \uD83D\uDE00"), headers, false));
            return this;
        }

        /** A second (third...) author domain, after the first. */
        public Builder alsoAuthor(DomainVerdict verdict) {
            extraDomains.add(verdict);
            return this;
        }

        public DomainVerdict verdict() {
            return new DomainVerdict(headerFrom, result, "DMARC " + result.token() + " for " + headerFrom, policy,
                new PolicyEvaluated(Enumerated.of(disposition), policyDkim.map(Enumerated::of), policySpf.map(Enumerated::of), reasons),
                policyDkim.filter(r -> r == PolicyResult.PASS).map(r -> headerFrom), policyDkim.filter(r -> r == PolicyResult.PASS)
                    .map(r -> "sel"), policySpf.filter(r -> r == PolicyResult.PASS).map(r -> headerFrom), triggers);
        }

        public EvaluationRecord build() {
            List<DomainVerdict> domains = new ArrayList<>();
            domains.add(verdict());
            domains.addAll(extraDomains);
            return new EvaluationRecord(id, at, source, helo, envelopeFrom, envelopeTo, messageId, result, disposition,
                "DMARC " + result.token() + " for " + headerFrom, dkim, spf, domains, failure);
        }
    }

    /** The record as the database gives it back: its times to the microsecond (DATETIME(6)). */
    public static EvaluationRecord asStored(EvaluationRecord record) {
        Optional<FailureDetails> failure = record.failure().map(f -> new FailureDetails(f.originalMailFrom(), f.originalRcptTo(),
            f.arrivalDate().truncatedTo(ChronoUnit.MICROS), f.subject(), f.headers(), f.headersTruncated()));
        return new EvaluationRecord(record.id(), record.evaluatedAt().truncatedTo(ChronoUnit.MICROS), record.sourceIp(), record.helo(),
            record.envelopeFrom(), record.envelopeTo(), record.messageId(), record.result(), record.disposition(), record.explanation(),
            record.dkim(), record.spf(), record.domains(), failure);
    }
}
