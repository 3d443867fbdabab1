package io.jamesdmarc.confsamples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.jamesdmarc.mailets.testing.JamesPipeline;
import io.jamesdmarc.model.testing.Corpus;
import io.jamesdmarc.model.testing.DkimTestKey;
import io.jamesdmarc.storage.DatabaseConfig;

/** The sample files of this folder, as operators copy them, and James loaded with them. */
public final class Samples {

    /** A marked addition to James's configuration: its comment and the mailet or processor after it. */
    private static final Pattern JAMES_DMARC_ADDITION = Pattern.compile(
        "(?s)\\s*<!-- james-dmarc:.*?-->\\s*(<mailet [^>]*/>|<mailet [^>]*[^/]>.*?</mailet>|<processor [^>]*>.*?</processor>)");
    /** The lines of dmarc.properties that say where the database is: the only ones a test changes. */
    private static final Pattern CONNECTION_LINE = Pattern.compile("(?m)^(db\\.(url|user|password))\\s*=.*$");
    /** The sample's line that says which DNS servers to ask: a test points it at its own. */
    private static final Pattern DNS_SERVERS_LINE = Pattern.compile("(?m)^# dns\\.servers = .*$");
    /** The sample's enforcement of DMARC policies. */
    public static final String SAMPLE_ENFORCEMENT = "<enforcement>enforce</enforcement>";
    /** Where the sample's dmarc-reports processor reads the DKIM key it signs reports with, under conf/. */
    public static final String REPORT_SIGNING_KEY_FILE = "dkim-dmarc-reports.pem";
    /** The selector and domain of the sample's DKIMSign. */
    public static final String REPORT_SIGNING_SELECTOR = "dmarc";
    public static final String REPORT_SIGNING_DOMAIN = "example.com";
    /** The key a test's James signs reports with (an operator puts theirs into conf/dkim-dmarc-reports.pem). */
    public static final DkimTestKey REPORT_SIGNING_KEY = DkimTestKey.generate(2048);

    private Samples() {
    }

    public static Path file(String name) {
        return Corpus.projectRoot().resolve("conf-samples").resolve(name);
    }

    public static String text(String name) {
        try {
            return Files.readString(file(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The sample dmarc.properties, every line as written but db.url, db.user and db.password, which
     * point at {@code database}, and the commented-out dns.servers, which is set to {@code dnsServers}
     * (a test's DNS server: the sample's default, the system's resolvers, would ask the Internet).
     */
    public static String dmarcProperties(DatabaseConfig database, String url, String dnsServers) {
        Matcher dns = DNS_SERVERS_LINE.matcher(text("dmarc.properties"));
        if (!dns.find()) {
            throw new IllegalStateException("the sample dmarc.properties should show dns.servers, commented out");
        }
        Matcher line = CONNECTION_LINE.matcher(dns.replaceFirst(Matcher.quoteReplacement("dns.servers = " + dnsServers)));
        StringBuilder out = new StringBuilder();
        int replaced = 0;
        while (line.find()) {
            String value = switch (line.group(1)) {
                case "db.url" -> url;
                case "db.user" -> database.user();
                default -> database.password().replace("\\", "\\\\").replace(",", "\\,");
            };
            line.appendReplacement(out, Matcher.quoteReplacement(line.group(1) + " = " + value));
            replaced++;
        }
        line.appendTail(out);
        if (replaced != 3) {
            throw new IllegalStateException("the sample dmarc.properties should set db.url, db.user and db.password once each");
        }
        return out.toString();
    }

    /**
     * James's own configuration the sample was made from: the sample without james-dmarc's additions
     * (and with JMX off, so that it may run next to the sample). What James does to a mail there is
     * what it must do to it in the sample, but for what james-dmarc stores.
     */
    public static JamesPipeline.Builder jamesWithoutJamesDmarc() {
        String sample = text("mailetcontainer.xml");
        Matcher addition = JAMES_DMARC_ADDITION.matcher(sample);
        String original = addition.replaceAll("");
        if (original.contains("io.jamesdmarc") || !addition.reset().find()) {
            throw new IllegalStateException("the sample's james-dmarc additions are not where this test looks for them");
        }
        return JamesPipeline.builder().mailetContainerXml(original.replace("enableJmx=\"true\"", "enableJmx=\"false\"")
            .replace("<processors>", "<processors enableJmx=\"false\">"));
    }

    /**
     * James with the sample mailetcontainer.xml as it is, and the sample dmarc.properties pointed at
     * {@code url} and at the DNS servers {@code dnsServers}.
     */
    public static JamesPipeline.Builder james(DatabaseConfig database, String url, String dnsServers) {
        return withReportSigningKey(JamesPipeline.builder()
            .mailetContainerXml(mailetContainer(SAMPLE_ENFORCEMENT))
            .dmarcProperties(dmarcProperties(database, url, dnsServers)));
    }

    /** The builder with the key file the sample's dmarc-reports processor reads at start-up. */
    public static JamesPipeline.Builder withReportSigningKey(JamesPipeline.Builder builder) {
        return builder.confFile(REPORT_SIGNING_KEY_FILE, REPORT_SIGNING_KEY.privateKeyPem());
    }

    /**
     * The sample mailetcontainer.xml with DmarcEvaluate's enforcement set as {@code enforcement}
     * says ({@code <enforcement>monitor</enforcement>}...): the one line an operator changes to go
     * from one to another.
     */
    public static String mailetContainer(String enforcement) {
        String sample = text("mailetcontainer.xml");
        int at = sample.indexOf(SAMPLE_ENFORCEMENT);
        if (at < 0 || sample.indexOf(SAMPLE_ENFORCEMENT, at + 1) >= 0) {
            throw new IllegalStateException("the sample should set DmarcEvaluate's enforcement once, as " + SAMPLE_ENFORCEMENT);
        }
        return sample.replace(SAMPLE_ENFORCEMENT, enforcement);
    }
}
