package io.jamesdmarc.confsamples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.apache.james.utils.PropertiesProvider;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.jamesdmarc.mailets.evaluate.Enforcement;
import io.jamesdmarc.mailets.evaluate.EvaluateConfiguration;
import io.jamesdmarc.mailets.outbound.aggregate.AggregateReporterConfiguration;
import io.jamesdmarc.mailets.outbound.failure.FailureReporterConfiguration;
import io.jamesdmarc.mailets.settings.DmarcSettings;
import io.jamesdmarc.model.aggregate.ReportFormat;
import io.jamesdmarc.model.outbound.ReporterIdentity;
import io.jamesdmarc.model.outbound.SendFrequency;
import io.jamesdmarc.storage.outbound.ReportingSettings;
import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.model.dns.DnsSettings;
import io.jamesdmarc.model.evaluation.EvaluationSettings;
import io.jamesdmarc.model.evaluation.auth.DkimVerifier;
import io.jamesdmarc.storage.DatabaseConfig;
import io.jamesdmarc.storage.evaluation.RecorderSettings;

/**
 * {@code conf-samples/dmarc.properties}, as it is, read by James's PropertiesProvider into the plugin's
 * settings: every key is one the plugin's mailets take, every value the documented default.
 */
class SampleDmarcPropertiesTest {

    private static final String PASSWORD_VARIABLE = "DMARC_DB_PASSWORD";
    private static final String RECEIVER = "io.jamesdmarc.mailets.DmarcReportReceiver";
    private static final String EVALUATOR = "io.jamesdmarc.mailets.DmarcEvaluate";
    private static final String FAILURE_REPORTER = "io.jamesdmarc.mailets.DmarcFailureReporter";
    private static final String AGGREGATE_REPORTER = "io.jamesdmarc.mailets.DmarcAggregateReporter";

    @TempDir
    Path james;

    @Test
    void everyKeyIsASettingOfThePluginAndTheValuesAreTheDocumentedDefaults() throws Exception {
        Properties sample = new Properties();
        sample.load(Files.newBufferedReader(Samples.file("dmarc.properties"), StandardCharsets.UTF_8));
        Set<String> known = new HashSet<>(DmarcSettings.DATABASE_KEYS);
        known.addAll(DmarcSettings.PARSE_LIMIT_KEYS);
        known.addAll(EvaluateConfiguration.keys());
        known.addAll(FailureReporterConfiguration.knownKeys());
        // defaults that depend on the server (its domain), and a secret: shown commented out
        known.removeAll(Set.of(FailureReporterConfiguration.FROM_ADDRESS, FailureReporterConfiguration.DKIM_SIGN_DOMAIN,
            FailureReporterConfiguration.REDACTION_SECRET));
        // set per mailet in mailetcontainer.xml, or left to its default (the system's DNS resolvers)
        known.removeAll(Set.of(EvaluateConfiguration.AUTHSERV_ID, EvaluateConfiguration.ENFORCEMENT, DmarcSettings.KEY_DNS_SERVERS));
        known.addAll(AggregateReporterConfiguration.keys());
        // shown commented out: their defaults come from James's default domain
        known.removeAll(Set.of(AggregateReporterConfiguration.FROM_ADDRESS, AggregateReporterConfiguration.ORG_NAME,
            AggregateReporterConfiguration.CONTACT_INFO, AggregateReporterConfiguration.DKIM_SIGN_DOMAIN, DmarcSettings.KEY_DNS_SERVERS));
        assertThat(sample.stringPropertyNames()).isEqualTo(known);

        DmarcSettings settings = settings(RECEIVER, Map.of());
        assertThat(settings.parseLimits()).isEqualTo(ParseLimits.DEFAULTS);
        assertThat(settings.value(DatabaseConfig.KEY_URL)).contains("jdbc:mariadb://127.0.0.1:3306/dmarc");
        assertThat(settings.value(DatabaseConfig.KEY_USER)).contains("dmarc");
        assertThat(settings.number(DatabaseConfig.KEY_POOL_SIZE, 0, 1, DatabaseConfig.MAX_POOL_SIZE)).isEqualTo(DatabaseConfig.DEFAULT_POOL_SIZE);

        EvaluateConfiguration evaluation = EvaluateConfiguration.read(
            settings(EVALUATOR, Map.of(DatabaseConfig.KEY_PASSWORD, "from-the-mailet")), context(), fileSystem());
        DnsSettings system = DnsSettings.system();
        assertThat(evaluation.dns()).isEqualTo(system);
        assertThat(evaluation.evaluation()).isEqualTo(EvaluationSettings.DEFAULTS);
        assertThat(evaluation.maxSignatures()).isEqualTo(DkimVerifier.DEFAULT_MAX_SIGNATURES);
        assertThat(evaluation.enforcement()).as("the default; the sample mailetcontainer.xml sets it").isEqualTo(Enforcement.MONITOR);
        assertThat(evaluation.authservId()).isEqualTo("example.com");
        assertThat(evaluation.recorder()).contains(RecorderSettings.defaults(
            james.resolve("var/james-dmarc/evaluation-spool").toAbsolutePath()));
        assertThat(evaluation.database()).hasValueSatisfying(database -> assertThat(database.password()).isEqualTo("from-the-mailet"));

        FailureReporterConfiguration failure = FailureReporterConfiguration.read(
            settings(FAILURE_REPORTER, Map.of(DatabaseConfig.KEY_PASSWORD, "from-the-mailet")), context());
        assertThat(failure.frequency()).contains(io.jamesdmarc.mailets.outbound.failure.FailureRateLimit.DEFAULT);
        assertThat(failure.fromName()).isEqualTo(FailureReporterConfiguration.DEFAULT_FROM_NAME);
        assertThat(failure.fromAddress()).isEqualTo("noreply-dmarc@example.com");
        assertThat(failure.subject()).isEqualTo(FailureReporterConfiguration.DEFAULT_SUBJECT);
        assertThat(failure.dkimSignDomain()).isEqualTo("example.com");
        assertThat(failure.processor()).isEqualTo(FailureReporterConfiguration.DEFAULT_PROCESSOR);
        assertThat(failure.redaction().scope()).isEqualTo(FailureReporterConfiguration.DEFAULT_REDACTION);
        assertThat(failure.pollInterval()).hasSeconds(FailureReporterConfiguration.DEFAULT_POLL_SECONDS);
        assertThat(failure.batchSize()).isEqualTo(FailureReporterConfiguration.DEFAULT_BATCH_SIZE);
        assertThat(failure.decisionRetention()).hasDays(FailureReporterConfiguration.DEFAULT_DECISION_RETENTION_DAYS);
        assertThat(failure.includeMessage()).isFalse();
        assertThat(failure.messageMaxBytes()).isEqualTo(FailureReporterConfiguration.DEFAULT_MESSAGE_MAX_BYTES);
        AggregateReporterConfiguration aggregate = AggregateReporterConfiguration.read(
            settings(AGGREGATE_REPORTER, Map.of(DatabaseConfig.KEY_PASSWORD, "from-the-mailet")), context());
        assertThat(aggregate.frequency()).isEqualTo(SendFrequency.DAILY);
        assertThat(aggregate.reporting().identity()).isEqualTo(ReporterIdentity.defaults("example.com"));
        assertThat(aggregate.reporting().maxReportSize()).isEqualTo(ReportingSettings.DEFAULT_MAX_REPORT_SIZE);
        assertThat(aggregate.reporting().format()).isEqualTo(ReportFormat.RFC9990);
        assertThat(aggregate.reporting().sendDelay()).isEqualTo(ReportingSettings.DEFAULT_SEND_DELAY);
        assertThat(aggregate.processor()).isEqualTo(AggregateReporterConfiguration.DEFAULT_PROCESSOR);
        assertThat(aggregate.dkimSignDomain()).isEqualTo("example.com");
        assertThat(aggregate.retention()).isEqualTo(java.time.Duration.ofDays(AggregateReporterConfiguration.DEFAULT_RETENTION_DAYS));
        assertThat(aggregate.checkInterval()).isEqualTo(java.time.Duration.ofSeconds(
            AggregateReporterConfiguration.DEFAULT_CHECK_INTERVAL_SECONDS));
    }

    @Test
    void thePasswordComesFromTheEnvironmentAndItsAbsenceIsSaidPlainly() throws Exception {
        String password = System.getenv(PASSWORD_VARIABLE);
        if (password == null) {
            assertThatThrownBy(() -> settings().database()).isInstanceOf(MailetException.class)
                .hasMessage("DmarcReportReceiver: db.password refers to ${env:DMARC_DB_PASSWORD}, but the environment variable "
                    + "DMARC_DB_PASSWORD is not set (db.password in conf/dmarc.properties)");
        } else {
            assertThat(settings().database().password()).isEqualTo(password);
        }
    }

    private DmarcSettings settings() throws Exception {
        return settings(RECEIVER, Map.of());
    }

    /** The settings of mailet {@code mailet} with the given init parameters, James reading the sample file from its conf/ folder. */
    private DmarcSettings settings(String mailet, Map<String, String> initParameters) throws Exception {
        if (!Files.exists(james.resolve("conf/dmarc.properties"))) {
            Files.createDirectories(james.resolve("conf"));
            Files.copy(Samples.file("dmarc.properties"), james.resolve("conf/dmarc.properties"));
        }
        Configuration configuration = Configuration.builder().workingDirectory(james.toFile()).build();
        PropertiesProvider provider = new PropertiesProvider(new FileSystemImpl(configuration.directories()), configuration.configurationPath());
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName(mailet);
        initParameters.forEach(config::setProperty);
        return DmarcSettings.load(provider, config.build());
    }

    private FileSystemImpl fileSystem() {
        return new FileSystemImpl(Configuration.builder().workingDirectory(james.toFile()).build().directories());
    }

    private static FakeMailContext context() throws Exception {
        return FakeMailContext.builder().postmaster(new MailAddress("postmaster@example.com")).build();
    }
}
