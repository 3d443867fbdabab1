package io.jamesdmarc.mailets.testing;

import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;

import org.apache.mailet.Mailet;

/**
 * Runs a mail through a {@link JamesPipeline} whose james-dmarc classes come only from a plugin jar in
 * its {@code extensions-jars/} folder: what {@code PluginJarIT} calls inside a class loader that holds
 * James and the test harness, and nothing of james-dmarc's nor of the libraries the jar ships. Only
 * JDK types cross the class loaders.
 */
public final class IsolatedPipelineRun {

    private IsolatedPipelineRun() {
    }

    /**
     * @return what happened, one line each: {@code mailet CLASS from LOCATION} for each mailet of the root
     *         processor, {@code seen STANDIN MAIL RECIPIENTS} for each mail a stand-in got, {@code metric NAME=COUNT}
     */
    public static List<String> run(Path pluginJar, String mailetContainerXml, String dmarcProperties, byte[] mail, String mailName,
                                   String sender, String recipient, List<String> metrics) throws Exception {
        List<String> lines = new ArrayList<>();
        try (JamesPipeline james = JamesPipeline.builder()
                .mailetContainerXml(mailetContainerXml)
                .dmarcProperties(dmarcProperties)
                .extensionJar(pluginJar)
                .start()) {
            for (Mailet mailet : james.mailets("root")) {
                CodeSource source = mailet.getClass().getProtectionDomain().getCodeSource();
                lines.add("mailet " + mailet.getClass().getName() + " from " + (source == null ? "(the JDK)" : source.getLocation()));
            }
            james.service(InboundMail.of(mailName, mail, sender, recipient));
            for (StandInRecorder.Seen seen : james.standIns().seen()) {
                lines.add("seen " + seen.standIn() + " " + seen.mailName() + " " + seen.recipients());
            }
            for (String metric : metrics) {
                lines.add("metric " + metric + "=" + james.metrics().countFor(metric));
            }
        }
        return lines;
    }
}
