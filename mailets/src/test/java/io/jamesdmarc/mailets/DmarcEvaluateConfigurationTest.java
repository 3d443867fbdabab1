package io.jamesdmarc.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.mailet.Mailet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.jamesdmarc.mailets.testing.JamesPipeline;

/** DmarcEvaluate's settings as James loads them: bad ones stop James at start-up, naming the parameter. */
class DmarcEvaluateConfigurationTest {

    @TempDir
    Path temp;

    private static JamesPipeline james(String parameters, String dmarcProperties) throws Exception {
        JamesPipeline.Builder builder = JamesPipeline.builder().mailetContainerXml("""
            <mailetcontainer>
              <processors enableJmx="false">
                <processor state="root" enableJmx="false">
                  <mailet match="All" class="io.jamesdmarc.mailets.DmarcEvaluate">%s</mailet>
                  <mailet match="All" class="LocalDelivery"/>
                </processor>
                <processor state="error" enableJmx="false">
                  <mailet match="All" class="Null"/>
                </processor>
              </processors>
            </mailetcontainer>
            """.formatted(parameters));
        if (dmarcProperties != null) {
            builder.dmarcProperties(dmarcProperties);
        }
        return builder.start();
    }

    /** Starts and stops James with these parameters of DmarcEvaluate, no dmarc.properties, DNS on loopback. */
    private static void start(String parameters) throws Exception {
        james("<dns.servers>127.0.0.1:5353</dns.servers>" + parameters, null).close();
    }

    @Test
    void badValuesStopJamesNamingTheParameterAndWhereItWasSet() {
        String noRecording = "<recording>false</recording>";
        assertThatThrownBy(() -> start(noRecording + "<enforcement>strict</enforcement>"))
            .hasStackTraceContaining("DmarcEvaluate: enforcement must be one of monitor, quarantine, enforce, was 'strict' "
                + "(init parameter enforcement of DmarcEvaluate)");
        assertThatThrownBy(() -> start(noRecording + "<discovery>dns</discovery>"))
            .hasStackTraceContaining("DmarcEvaluate: discovery must be one of psl, treewalk, was 'dns'");
        assertThatThrownBy(() -> start(noRecording + "<authservId>mx example</authservId>"))
            .hasStackTraceContaining("DmarcEvaluate: authservId must be a host name");
        assertThatThrownBy(() -> start(noRecording + "<maxSignatures>0</maxSignatures>"))
            .hasStackTraceContaining("DmarcEvaluate: maxSignatures must be between 1 and 100, was '0'");
        assertThatThrownBy(() -> start(noRecording + "<maxAuthorDomains>many</maxAuthorDomains>"))
            .hasStackTraceContaining("DmarcEvaluate: maxAuthorDomains must be a whole number, was 'many'");
        assertThatThrownBy(() -> start("<recording>maybe</recording>"))
            .hasStackTraceContaining("DmarcEvaluate: recording must be true or false, was 'maybe'");
        assertThatThrownBy(() -> start(noRecording + "<enforce>true</enforce>"))
            .hasStackTraceContaining("DmarcEvaluate: unknown init parameter [enforce]");
        assertThatThrownBy(() -> start(noRecording + "<dns.timeoutMillis>3s</dns.timeoutMillis>"))
            .hasStackTraceContaining("DmarcEvaluate: dns.timeoutMillis must be a whole number, was '3s'");
        assertThatThrownBy(() -> start(noRecording + "<dns.attempts>0</dns.attempts>"))
            .hasStackTraceContaining("DmarcEvaluate: dns.attempts must be between 1 and 10, was '0'");
    }

    @Test
    void badDnsServersAndRecorderSettingsStopJamesToo() {
        assertThatThrownBy(() -> james("<recording>false</recording><dns.servers>127.0.0.1:dns</dns.servers>", null).close())
            .hasStackTraceContaining("DmarcEvaluate: dns.servers must list DNS servers (host or host:port, separated by commas): "
                + "DNS server '127.0.0.1:dns': port 'dns' is not a number, was '127.0.0.1:dns' (init parameter dns.servers of DmarcEvaluate)");
        assertThatThrownBy(() -> start(""))
            .hasStackTraceContaining("DmarcEvaluate: db.url is not set");
        assertThatThrownBy(() -> james("<dns.servers>127.0.0.1:5353</dns.servers>",
                "db.url = jdbc:mariadb://127.0.0.1:1/none\nevaluations.batchSize = 0\n").close())
            .hasStackTraceContaining("DmarcEvaluate: evaluations.batchSize must be between 1 and 10000, was 0 "
                + "(evaluations.batchSize in conf/dmarc.properties)");
    }

    @Test
    void aSpoolDirectoryThatCannotBeMadeStopsJames() throws Exception {
        Path file = Files.writeString(temp.resolve("not-a-folder"), "x");
        assertThatThrownBy(() -> james("<dns.servers>127.0.0.1:5353</dns.servers><db.url>jdbc:mariadb://127.0.0.1:1/none</db.url>"
                + "<evaluations.spoolDirectory>" + file + "/spool</evaluations.spoolDirectory>", null).close())
            .hasStackTraceContaining("DmarcEvaluate: cannot use the evaluation spool directory " + file + "/spool "
                + "(init parameter evaluations.spoolDirectory of DmarcEvaluate)");
    }

    @Test
    void theMatchersRefuseConditionsTheyDoNotKnow() {
        assertThatThrownBy(() -> JamesPipeline.builder().mailetContainerXml("""
            <mailetcontainer>
              <processors enableJmx="false">
                <processor state="root" enableJmx="false">
                  <mailet match="io.jamesdmarc.matchers.IsDmarcDisposition=reject,bounce" class="Null"/>
                </processor>
                <processor state="error" enableJmx="false"><mailet match="All" class="Null"/></processor>
              </processors>
            </mailetcontainer>
            """).start().close())
            .hasStackTraceContaining("IsDmarcDisposition: unknown value 'bounce' in 'IsDmarcDisposition=reject,bounce'; "
                + "known: none, pass, quarantine, reject");
        assertThatThrownBy(() -> JamesPipeline.builder().mailetContainerXml("""
            <mailetcontainer>
              <processors enableJmx="false">
                <processor state="root" enableJmx="false">
                  <mailet match="io.jamesdmarc.matchers.IsDmarcResult" class="Null"/>
                </processor>
                <processor state="error" enableJmx="false"><mailet match="All" class="Null"/></processor>
              </processors>
            </mailetcontainer>
            """).start().close())
            .hasStackTraceContaining("IsDmarcResult needs a condition");
    }

    @Test
    void theDefaultsNeedOnlyTheDatabaseAndARelativeSpoolIsInJamesFolder() throws Exception {
        try (JamesPipeline james = james("<dns.servers>127.0.0.1:5353</dns.servers><evaluations.spoolDirectory>var/dmarc-spool"
                + "</evaluations.spoolDirectory>", "db.url = jdbc:mariadb://127.0.0.1:1/none\n")) {
            Mailet evaluate = james.mailets("root").get(0);
            assertThat(evaluate).isInstanceOf(DmarcEvaluate.class);
            // the recorder took the spool directory (and spools: no database listens on port 1)
            assertThat(james.workingDirectory().resolve("var/dmarc-spool")).isDirectory();
        }
    }
}
