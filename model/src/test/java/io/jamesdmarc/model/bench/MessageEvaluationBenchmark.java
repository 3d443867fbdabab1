package io.jamesdmarc.model.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.io.ByteSource;
import com.google.common.net.InetAddresses;

import ch.qos.logback.classic.Level;
import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DnsSettings;
import io.jamesdmarc.model.evaluation.EvaluationSettings;
import io.jamesdmarc.model.evaluation.message.MessageEvaluation;
import io.jamesdmarc.model.evaluation.message.MessageEvaluator;
import io.jamesdmarc.model.evaluation.message.SmtpEnvelope;
import io.jamesdmarc.model.testing.DkimTestKey;
import io.jamesdmarc.model.testing.LoopbackDnsServer;

/**
 * What {@link MessageEvaluator} costs per message once DNS answers are cached, DKIM signature
 * crypto excluded: reading the header section, SPF with jSPF (record parsing, ip4, include), DMARC
 * evaluation, the evaluation record and the Authentication-Results field. Run with
 * {@code ./bench evaluate-message [messages]}; target: median under 0.2 ms.
 *
 * <p>The measured messages carry no DKIM-Signature (the DKIM step then only finds that out):
 * RSA verification is a fixed cost of the signature, not of this code. The mix, over 300
 * organisations: SPF-aligned mail, spoofs failing SPF, ESP mail passing through an include,
 * bounces checked on the HELO name, and mail whose SPF result James's SPF mailet already gave.
 * Each message has a realistic 2.5 kB header section and a 2 kB body. For reference only, the
 * same pipeline on DKIM-signed messages (one RSA-2048 signature, key cached) is timed after.
 *
 * <p>Logging is at INFO as in James, except jSPF's, at WARN: jSPF logs each matching SPF
 * directive at INFO (James's own SPF mailet has the same noise), which costs more than the check.
 */
public final class MessageEvaluationBenchmark {
    private static final int ORGANISATIONS = 300;
    private static final int DEFAULT_MESSAGES = 100_000;
    private static final int WARMUP_MESSAGES = 50_000;
    private static final int SIGNED_MESSAGES = 5_000;
    private static final Instant ARRIVAL = Instant.parse("2026-05-04T10:15:30Z");
    private static final String JSPF_LOGGER = "org.apache.james.jspf";

    private MessageEvaluationBenchmark() {
    }

    private record Sample(ByteSource message, SmtpEnvelope envelope, Optional<String> jamesSpf) {
    }

    public static void main(String[] args) throws IOException {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_MESSAGES;
        // measured as James runs it: INFO, not the DEBUG that logback prints without a configuration; but jSPF logs
        // every matching SPF directive at INFO, which an operator silences (logback.xml: org.apache.james.jspf at WARN)
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(JSPF_LOGGER)).setLevel(Level.WARN);
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(zone())) {
            DnsResolver resolver = new DnsResolver(DnsSettings.of(List.of(dns.address())).withTimeout(Duration.ofSeconds(2)));
            MessageEvaluator evaluator = new MessageEvaluator(resolver, "mx.bench", EvaluationSettings.DEFAULTS);
            List<Sample> samples = unsigned();

            for (Sample sample : samples) {
                evaluate(evaluator, sample); // fills the DNS cache
            }
            long sink = 0;
            for (int i = 0; i < WARMUP_MESSAGES; i++) {
                sink += evaluate(evaluator, samples.get(i % samples.size())).authenticationResults().length();
            }
            long queriesBefore = resolver.queriesSent();
            long[] nanos = new long[messages];
            int[] results = new int[5];
            long start = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                Sample sample = samples.get(i % samples.size());
                long before = System.nanoTime();
                MessageEvaluation evaluation = evaluate(evaluator, sample);
                nanos[i] = System.nanoTime() - before;
                results[evaluation.dmarc().result().ordinal()]++;
            }
            long total = System.nanoTime() - start;
            long queries = resolver.queriesSent() - queriesBefore;

            Arrays.sort(nanos);
            System.out.printf(Locale.ROOT, "Message evaluation (header, SPF, DMARC, record, Authentication-Results), DNS cached,"
                + " no DKIM signature: %,d messages over %d distinct ones (one thread)%n", messages, samples.size());
            System.out.printf(Locale.ROOT, "  median      %.4f ms%n", nanos[messages / 2] / 1e6);
            System.out.printf(Locale.ROOT, "  p99         %.4f ms%n", nanos[(int) (messages * 0.99)] / 1e6);
            System.out.printf(Locale.ROOT, "  p99.9       %.4f ms%n", nanos[(int) (messages * 0.999)] / 1e6);
            System.out.printf(Locale.ROOT, "  mean        %.4f ms%n", total / 1e6 / messages);
            System.out.printf(Locale.ROOT, "  throughput  %,.0f messages/s%n", messages / (total / 1e9));
            System.out.printf(Locale.ROOT, "  results     pass %,d  fail %,d  none %,d  temperror %,d  permerror %,d%n",
                results[0], results[1], results[2], results[3], results[4]);
            System.out.printf(Locale.ROOT, "  DNS queries sent while measuring: %d%n", queries);
            System.out.printf(Locale.ROOT, "  target: median < 0.2 ms: %s%n", nanos[messages / 2] < 200_000 ? "met" : "NOT MET");

            sink += signedForReference(evaluator, dns);
            if (sink == 42) {
                System.out.println(); // keeps the work from being optimised away
            }
        }
    }

    private static MessageEvaluation evaluate(MessageEvaluator evaluator, Sample sample) throws IOException {
        return evaluator.evaluate(sample.message(), sample.envelope(), sample.jamesSpf());
    }

    /** The same pipeline on signed messages: RSA-2048 verification included. Informative, not the target. */
    private static long signedForReference(MessageEvaluator evaluator, LoopbackDnsServer dns) throws IOException {
        DkimTestKey key = DkimTestKey.generate(2048);
        List<Sample> signed = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String org = "org" + i + ".bench";
            key.publish(dns, "s1", org);
            signed.add(new Sample(ByteSource.wrap(key.sign(message("news@" + org, i), org, "s1")),
                envelope("203.0.113." + (i % 250 + 1), "alice@forwarder.example", "relay.forwarder.example"), Optional.empty()));
        }
        long sink = 0;
        for (int i = 0; i < SIGNED_MESSAGES; i++) {
            sink += evaluate(evaluator, signed.get(i % signed.size())).dkim().size();
        }
        long[] nanos = new long[SIGNED_MESSAGES];
        for (int i = 0; i < SIGNED_MESSAGES; i++) {
            long before = System.nanoTime();
            sink += evaluate(evaluator, signed.get(i % signed.size())).dkim().size();
            nanos[i] = System.nanoTime() - before;
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "For reference, DKIM-signed (one RSA-2048 signature verified, key cached): median %.4f ms,"
            + " p99 %.4f ms over %,d messages%n", nanos[SIGNED_MESSAGES / 2] / 1e6, nanos[(int) (SIGNED_MESSAGES * 0.99)] / 1e6,
            SIGNED_MESSAGES);
        return sink;
    }

    private static String zone() {
        StringBuilder zone = new StringBuilder("""
            $TTL 86400
            bench.  SOA ns.bench. hostmaster.bench. 1 3600 600 86400 86400
            _dmarc.bench.  TXT "v=DMARC1; p=reject; psd=y"
            _spf.esp.bench. TXT "v=spf1 ip4:198.51.100.0/24 ip6:2001:db8:e5::/48 ~all"
            forwarder.example. TXT "v=spf1 ip4:198.18.0.0/15 -all"
            """);
        for (int i = 0; i < ORGANISATIONS; i++) {
            String org = "org" + i + ".bench";
            zone.append("_dmarc.").append(org).append(". TXT \"v=DMARC1; p=").append(i % 3 == 0 ? "reject" : "quarantine")
                .append("; rua=mailto:dmarc@").append(org).append("; ruf=mailto:fail@").append(org)
                .append(i % 2 == 0 ? "; fo=1" : "").append(i % 5 == 0 ? "; t=y" : "").append("\"\n");
            zone.append(org).append(". TXT \"v=spf1 ip4:192.0.").append(i % 200).append(".0/24 include:_spf.esp.bench -all\"\n");
            zone.append("mx.").append(org).append(". A 192.0.").append(i % 200).append(".25\n");
            zone.append("mx.").append(org).append(". TXT \"v=spf1 a -all\"\n");
        }
        return zone.toString();
    }

    private static List<Sample> unsigned() {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < ORGANISATIONS; i++) {
            String org = "org" + i + ".bench";
            String ownIp = "192.0." + (i % 200) + ".7";
            // the organisation's own server: SPF aligned
            samples.add(sample(message("\"Org " + i + "\" <news@" + org + ">", i), envelope(ownIp, "bounces@" + org, "mx." + org)));
            // a spoof from elsewhere: SPF fails, nothing aligns
            samples.add(sample(message("CEO <ceo@" + org + ">", i), envelope("203.0.113." + (i % 250 + 1), "ceo@" + org,
                "unknown.example")));
            // an ESP sending with the organisation's MAIL FROM, authorised through include
            samples.add(sample(message("billing@" + org, i), envelope("198.51.100." + (i % 250 + 1), "bounce-" + i + "@" + org,
                "out.esp.bench")));
            // a bounce: null reverse-path, checked on the HELO name
            samples.add(sample(message("MAILER-DAEMON@" + org, i), envelope("192.0." + (i % 200) + ".25", "", "mx." + org)));
            // James's SPF mailet already ran
            samples.add(new Sample(ByteSource.wrap(message("info@" + org, i)), envelope(ownIp, "info@" + org, "mx." + org),
                Optional.of("pass")));
        }
        return samples;
    }

    private static Sample sample(byte[] message, SmtpEnvelope envelope) {
        return new Sample(ByteSource.wrap(message), envelope, Optional.empty());
    }

    private static SmtpEnvelope envelope(String ip, String mailFrom, String helo) {
        return new SmtpEnvelope(InetAddresses.forString(ip), Optional.of(helo),
            mailFrom.isEmpty() ? Optional.empty() : Optional.of(mailFrom), List.of("bob@example.net"), ARRIVAL);
    }

    /** A header section as big mail providers send it (several Received, ARC-less), and a 2 kB body. */
    private static byte[] message(String from, int n) {
        StringBuilder message = new StringBuilder(5000);
        for (int hop = 0; hop < 4; hop++) {
            message.append("Received: from relay").append(hop).append(".example.net (relay").append(hop)
                .append(".example.net [198.51.100.").append(hop + 10).append("])\r\n\tby mx").append(hop)
                .append(".example.org (Postfix) with ESMTPS id 4Z").append(n).append("X").append(hop)
                .append("\r\n\tfor <bob@example.net>; Mon, 4 May 2026 10:15:").append(10 + hop).append(" +0000 (UTC)\r\n");
        }
        message.append("Received-SPF: none (mx.example.org: no SPF record) client-ip=198.51.100.10\r\n")
            .append("X-Mailer: Bench Mailer 4.2 (build 2026-04-01)\r\n")
            .append("List-Unsubscribe: <mailto:unsubscribe-").append(n).append("@lists.example.net?subject=unsubscribe>,\r\n")
            .append("\t<https://lists.example.net/unsubscribe?id=").append("a1b2c3d4e5f6".repeat(4)).append(">\r\n")
            .append("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n")
            .append("From: ").append(from).append("\r\n")
            .append("To: Bob <bob@example.net>\r\n")
            .append("Subject: =?UTF-8?Q?Your_monthly_statement_n=C2=B0").append(n).append("?=\r\n")
            .append("Date: Mon, 4 May 2026 10:15:30 +0000\r\n")
            .append("Message-ID: <").append(n).append(".statement.").append("f00dcafe".repeat(3)).append("@example.net>\r\n")
            .append("MIME-Version: 1.0\r\n")
            .append("Content-Type: multipart/alternative; boundary=\"b1_").append("0123456789abcdef".repeat(2)).append("\"\r\n")
            .append("Feedback-ID: 1.2.3:campaign-").append(n).append(":esp\r\n")
            .append("X-Campaign: spring-2026\r\n")
            .append("\r\n");
        String line = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.\r\n";
        message.append(line.repeat(2048 / line.length()));
        return message.toString().getBytes(StandardCharsets.UTF_8);
    }
}
