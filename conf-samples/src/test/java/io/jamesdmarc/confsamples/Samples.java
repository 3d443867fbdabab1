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
import io.jamesdmarc.storage.DatabaseConfig;

/** The sample files of this folder, as operators copy them, and James loaded with them. */
public final class Samples {

    /** The lines of dmarc.properties that say where the database is: the only ones a test changes. */
    /** A marked addition to James's configuration: its comment and the mailet after it. */
    private static final Pattern JAMES_DMARC_ADDITION = Pattern.compile(
        "(?s)\\s*<!-- james-dmarc:.*?-->\\s*<mailet [^>]*class=\"io\\.jamesdmarc\\.[^\"]+\">.*?</mailet>");
    private static final Pattern CONNECTION_LINE = Pattern.compile("(?m)^(db\\.(url|user|password))\\s*=.*$");

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

    /** The sample dmarc.properties, every line as written but db.url, db.user and db.password, which point at {@code database}. */
    public static String dmarcProperties(DatabaseConfig database, String url) {
        Matcher line = CONNECTION_LINE.matcher(text("dmarc.properties"));
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

    /** James with the sample mailetcontainer.xml as it is, and the sample dmarc.properties pointed at {@code url}. */
    public static JamesPipeline.Builder james(DatabaseConfig database, String url) {
        return JamesPipeline.builder()
            .mailetContainer(file("mailetcontainer.xml"))
            .dmarcProperties(dmarcProperties(database, url));
    }
}
