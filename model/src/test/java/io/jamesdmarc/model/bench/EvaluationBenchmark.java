package io.jamesdmarc.model.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
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

/**
 * DMARC evaluation overhead per message once DNS answers are cached: From parsing, tree walk
 * from the cache, alignment, policy choice. DKIM and SPF are already verified (their crypto and
 * DNS are not DMARC's cost). Run with {@code ./bench evaluate [messages]}; target: median under
 * 0.2 ms.
 *
 * <p>The mix: 300 organisations under a PSD-like suffix, each with a record at its domain and
 * one at a delegated subdomain, and messages from the domains themselves, from deep subdomains,
 * from non-existent subdomains (np), signed by the domain, by a subdomain (relaxed alignment),
 * by an ESP (not aligned), with SPF only, failing, and from domains without a policy.
 */
public final class EvaluationBenchmark {
    private static final int ORGANISATIONS = 300;
    private static final int DEFAULT_MESSAGES = 200_000;
    private static final int WARMUP_MESSAGES = 100_000;

    private EvaluationBenchmark() {
    }

    public static void main(String[] args) {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_MESSAGES;
        // measured as James runs it: INFO, not the DEBUG that logback prints without a configuration
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(zone())) {
            DnsResolver resolver = new DnsResolver(DnsSettings.of(List.of(dns.address())).withTimeout(Duration.ofSeconds(2)));
            DmarcEvaluator evaluator = new DmarcEvaluator(resolver, EvaluationSettings.DEFAULTS);
            List<DmarcInputs> inputs = inputs();

            for (DmarcInputs input : inputs) {
                evaluator.evaluate(input); // fills the DNS cache
            }
            long sink = 0;
            for (int i = 0; i < WARMUP_MESSAGES; i++) {
                sink += evaluator.evaluate(inputs.get(i % inputs.size())).domains().size();
            }

            long queriesBefore = resolver.queriesSent();
            long[] nanos = new long[messages];
            int[] results = new int[5];
            long start = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                DmarcInputs input = inputs.get(i % inputs.size());
                long before = System.nanoTime();
                DmarcEvaluation evaluation = evaluator.evaluate(input);
                nanos[i] = System.nanoTime() - before;
                results[evaluation.result().ordinal()]++;
            }
            long total = System.nanoTime() - start;
            long queries = resolver.queriesSent() - queriesBefore;

            Arrays.sort(nanos);
            System.out.printf(Locale.ROOT, "DMARC evaluation, DNS answers cached: %,d messages over %d distinct inputs (one thread)%n",
                messages, inputs.size());
            System.out.printf(Locale.ROOT, "  median      %.4f ms%n", nanos[messages / 2] / 1e6);
            System.out.printf(Locale.ROOT, "  p99         %.4f ms%n", nanos[(int) (messages * 0.99)] / 1e6);
            System.out.printf(Locale.ROOT, "  p99.9       %.4f ms%n", nanos[(int) (messages * 0.999)] / 1e6);
            System.out.printf(Locale.ROOT, "  mean        %.4f ms%n", total / 1e6 / messages);
            System.out.printf(Locale.ROOT, "  throughput  %,.0f messages/s%n", messages / (total / 1e9));
            System.out.printf(Locale.ROOT, "  results     pass %,d  fail %,d  none %,d  temperror %,d  permerror %,d%n",
                results[0], results[1], results[2], results[3], results[4]);
            System.out.printf(Locale.ROOT, "  DNS queries sent while measuring: %d%n", queries);
            System.out.printf(Locale.ROOT, "  target: median < 0.2 ms: %s%n", nanos[messages / 2] < 200_000 ? "met" : "NOT MET");
            if (sink == 42) {
                System.out.println(); // keeps the warm-up from being optimised away
            }
        }
    }

    private static String zone() {
        StringBuilder zone = new StringBuilder("""
            $TTL 86400
            bench.  SOA ns.bench. hostmaster.bench. 1 3600 600 86400 86400
            _dmarc.bench.  TXT "v=DMARC1; p=reject; psd=y"
            nopol.  SOA ns.nopol. hostmaster.nopol. 1 3600 600 86400 86400
            """);
        for (int i = 0; i < ORGANISATIONS; i++) {
            String org = "org" + i + ".bench.";
            zone.append("_dmarc.").append(org).append(" TXT \"v=DMARC1; p=").append(i % 3 == 0 ? "reject" : "quarantine")
                .append("; sp=quarantine; np=reject; rua=mailto:dmarc@").append(org, 0, org.length() - 1)
                .append("; ruf=mailto:fail@").append(org, 0, org.length() - 1).append("; fo=1")
                .append(i % 5 == 0 ? "; t=y" : "").append("\"\n");
            zone.append("_dmarc.news.").append(org).append(" TXT \"v=DMARC1; p=none\"\n");
            zone.append("www.").append(org).append(" A 192.0.2.1\n");
        }
        return zone.toString();
    }

    private static List<DmarcInputs> inputs() {
        List<DmarcInputs> inputs = new ArrayList<>();
        for (int i = 0; i < ORGANISATIONS; i++) {
            String org = "org" + i + ".bench";
            String other = "org" + ((i + 1) % ORGANISATIONS) + ".bench";
            SpfCheck spfPass = new SpfCheck(SpfResult.PASS, "bounces." + org, SpfScope.MFROM);
            SpfCheck spfFail = new SpfCheck(SpfResult.FAIL, "mailer.esp.example", SpfScope.MFROM);
            // signed by the domain itself
            inputs.add(DmarcInputs.of("\"Org " + i + "\" <news@" + org + ">", spfPass, new DkimCheck(DkimResult.PASS, org, "s1")));
            // signed by a subdomain with its own record: relaxed alignment through the tree walk
            inputs.add(DmarcInputs.of("info@www." + org, spfFail, new DkimCheck(DkimResult.PASS, "news." + org, "s2")));
            // an ESP signature and a broken own signature: fails, sp applies
            inputs.add(DmarcInputs.of("Billing <billing@www." + org + ">", spfFail,
                new DkimCheck(DkimResult.PASS, "esp.example", "esp"), new DkimCheck(DkimResult.FAIL, org, "s1")));
            // a deep subdomain, SPF only
            inputs.add(DmarcInputs.of("a@x.y.z." + org, spfPass));
            // a non-existent subdomain: np
            inputs.add(DmarcInputs.of("spoof@ghost" + i + "." + org, spfFail));
            // another organisation's signature: not aligned
            inputs.add(DmarcInputs.of("ceo@" + org, spfFail, new DkimCheck(DkimResult.PASS, other, "s1")));
            // no policy at all
            inputs.add(new DmarcInputs(List.of("someone@nopolicy" + i + ".nopol"), Optional.of(spfFail), List.of()));
        }
        return inputs;
    }
}
