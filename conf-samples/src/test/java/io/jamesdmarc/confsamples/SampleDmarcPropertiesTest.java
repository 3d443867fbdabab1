package io.jamesdmarc.confsamples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;

import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.apache.james.utils.PropertiesProvider;
import org.apache.mailet.MailetConfig;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.jamesdmarc.mailets.settings.DmarcSettings;
import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.storage.DatabaseConfig;

/** {@code conf-samples/dmarc.properties}, as it is, read by James's PropertiesProvider into the plugin's settings. */
class SampleDmarcPropertiesTest {

    private static final String PASSWORD_VARIABLE = "DMARC_DB_PASSWORD";

    @TempDir
    Path james;

    @Test
    void everyKeyIsASettingOfThePluginAndTheValuesAreTheDocumentedDefaults() throws Exception {
        Properties sample = new Properties();
        sample.load(Files.newBufferedReader(Samples.file("dmarc.properties"), StandardCharsets.UTF_8));
        Set<String> known = new HashSet<>(DmarcSettings.DATABASE_KEYS);
        known.addAll(DmarcSettings.PARSE_LIMIT_KEYS);
        assertThat(sample.stringPropertyNames()).isEqualTo(known);

        DmarcSettings settings = settings();
        assertThat(settings.parseLimits()).isEqualTo(ParseLimits.DEFAULTS);
        assertThat(settings.value(DatabaseConfig.KEY_URL)).contains("jdbc:mariadb://127.0.0.1:3306/dmarc");
        assertThat(settings.value(DatabaseConfig.KEY_USER)).contains("dmarc");
        assertThat(settings.number(DatabaseConfig.KEY_POOL_SIZE, 0, 1, DatabaseConfig.MAX_POOL_SIZE)).isEqualTo(DatabaseConfig.DEFAULT_POOL_SIZE);
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
        Files.createDirectories(james.resolve("conf"));
        Files.copy(Samples.file("dmarc.properties"), james.resolve("conf/dmarc.properties"));
        Configuration configuration = Configuration.builder().workingDirectory(james.toFile()).build();
        PropertiesProvider provider = new PropertiesProvider(new FileSystemImpl(configuration.directories()), configuration.configurationPath());
        MailetConfig noParameters = FakeMailetConfig.builder().mailetName("io.jamesdmarc.mailets.DmarcReportReceiver").build();
        return DmarcSettings.load(provider, noParameters);
    }
}
