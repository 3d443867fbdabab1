package io.jamesdmarc.mailets.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.james.mailetcontainer.impl.MailetConfigImpl;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.server.core.configuration.FileConfigurationProvider;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.apache.james.utils.PropertiesProvider;
import org.apache.mailet.MailetConfig;
import org.apache.mailet.MailetException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.jamesdmarc.model.Limit;
import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.storage.DatabaseConfig;

/**
 * Settings read the way James reads them: init parameters through James's own XML loading and
 * {@link MailetConfigImpl}, {@code conf/dmarc.properties} through James's {@link PropertiesProvider}.
 */
class DmarcSettingsTest {

    private static final String MAILET = "io.jamesdmarc.mailets.DmarcReportReceiver";

    @TempDir
    Path james;

    @Test
    void dottedElementNamesReachTheMailetUnchanged() throws Exception {
        // commons-configuration treats dots in keys as path separators: James undoes that for mailet parameters
        MailetConfig config = mailetConfig("""
            <db.url>jdbc:mariadb://db.example:3306/dmarc</db.url>
            <db.user>dmarc</db.user>
            <db.password>s3cret</db.password>
            <db.poolSize>4</db.poolSize>
            """);

        DmarcSettings settings = DmarcSettings.load(propertiesProvider(), config);

        assertThat(settings.database()).isEqualTo(new DatabaseConfig("jdbc:mariadb://db.example:3306/dmarc", "dmarc", "s3cret", 4));
        assertThat(config.getInitParameterNames()).toIterable().containsExactly("db.url", "db.user", "db.password", "db.poolSize");
    }

    @Test
    void initParametersOverrideTheSharedFile() throws Exception {
        dmarcProperties("""
            db.url = jdbc:mariadb://file.example:3306/dmarc
            db.user = from-file
            db.poolSize = 20
            maxRecords = 5000
            """);

        DmarcSettings settings = DmarcSettings.load(propertiesProvider(), mailetConfig("""
            <db.user>from-mailet</db.user>
            <maxZipEntries>3</maxZipEntries>
            """));

        assertThat(settings.database()).isEqualTo(new DatabaseConfig("jdbc:mariadb://file.example:3306/dmarc", "from-mailet", "", 20));
        assertThat(settings.parseLimits()).isEqualTo(ParseLimits.DEFAULTS.with(Limit.RECORDS, 5000).with(Limit.ZIP_ENTRIES, 3));
        assertThat(settings.source("db.user")).isEqualTo("init parameter db.user of DmarcReportReceiver");
        assertThat(settings.source("db.url")).isEqualTo("db.url in conf/dmarc.properties");
    }

    @Test
    void withoutTheFileEverythingComesFromInitParameters() throws Exception {
        DmarcSettings settings = DmarcSettings.load(propertiesProvider(), mailetConfig("<db.url>jdbc:mariadb://h/d</db.url>"));

        assertThat(settings.database()).isEqualTo(DatabaseConfig.of("jdbc:mariadb://h/d", "", ""));
        assertThat(settings.parseLimits()).isEqualTo(ParseLimits.DEFAULTS);
    }

    @Test
    void aMissingDatabaseUrlIsRefusedNamingTheSettingAndBothPlaces() throws Exception {
        DmarcSettings settings = DmarcSettings.load(propertiesProvider(), mailetConfig("<db.user>dmarc</db.user>"));

        assertThatThrownBy(settings::database).isInstanceOf(MailetException.class)
            .hasMessageContaining("DmarcReportReceiver: db.url is not set")
            .hasMessageContaining("db.url init parameter or in conf/dmarc.properties");
    }

    @Test
    void badValuesAreRefusedSayingWhereTheyWereSet() throws Exception {
        dmarcProperties("db.url = jdbc:mariadb://h/d\ndb.poolSize = ten\nmaxRecords = -1\n");
        DmarcSettings fromFile = DmarcSettings.load(propertiesProvider(), mailetConfig(""));

        assertThatThrownBy(fromFile::database).isInstanceOf(MailetException.class)
            .hasMessageContaining("db.poolSize must be a number, was 'ten'").hasMessageContaining("(db.poolSize in conf/dmarc.properties)");
        assertThatThrownBy(fromFile::parseLimits).isInstanceOf(MailetException.class)
            .hasMessage("DmarcReportReceiver: maxRecords must be between 1 and 9223372036854775807, was '-1' (maxRecords in conf/dmarc.properties)");

        dmarcProperties("");
        DmarcSettings fromMailet = DmarcSettings.load(propertiesProvider(), mailetConfig("""
            <db.url>postgresql://h/d</db.url><maxMimeDepth>3000000000</maxMimeDepth><passThrough>maybe</passThrough>
            """));
        assertThatThrownBy(fromMailet::database).isInstanceOf(MailetException.class)
            .hasMessageContaining("db.url must be a MariaDB JDBC URL").hasMessageContaining("(init parameter db.url of DmarcReportReceiver)");
        assertThatThrownBy(fromMailet::parseLimits).isInstanceOf(MailetException.class)
            .hasMessageContaining("maxMimeDepth must be between 1 and 2147483647, was '3000000000'");
        assertThatThrownBy(() -> fromMailet.flag("passThrough", true)).isInstanceOf(MailetException.class)
            .hasMessage("DmarcReportReceiver: passThrough must be true or false, was 'maybe' (init parameter passThrough of DmarcReportReceiver)");
    }

    @Test
    void unknownInitParametersAreRefusedButJamesOwnAreAllowed() throws Exception {
        DmarcSettings settings = DmarcSettings.load(propertiesProvider(), mailetConfig("""
            <db.url>jdbc:mariadb://h/d</db.url><db.ulr>typo</db.ulr><onMailetException>propagate</onMailetException>
            """));

        assertThatThrownBy(() -> settings.requireKnownInitParameters(DmarcSettings.DATABASE_KEYS))
            .isInstanceOf(MailetException.class)
            .hasMessageStartingWith("DmarcReportReceiver: unknown init parameter [db.ulr]; known: [db.password, db.poolSize, db.url, db.user]");
    }

    @Test
    void commasInTheFileAreJamesListSyntaxJoinedBackForUrlsRefusedInPasswords() throws Exception {
        dmarcProperties("""
            db.url = jdbc:mariadb:sequential://db1.example:3306,db2.example:3306/dmarc
            db.password = pass,word
            trustedAuthservIds = mx1.example.com, mx2.example.com
            """);
        DmarcSettings settings = DmarcSettings.load(propertiesProvider(), mailetConfig(""));

        assertThat(settings.value("db.url")).contains("jdbc:mariadb:sequential://db1.example:3306,db2.example:3306/dmarc");
        assertThat(settings.list("trustedAuthservIds")).containsExactly("mx1.example.com", "mx2.example.com");
        assertThatThrownBy(settings::database).isInstanceOf(MailetException.class)
            .hasMessageContaining("db.password in conf/dmarc.properties holds a comma").hasMessageContaining("write each comma in it as \\,");

        dmarcProperties("db.url = jdbc:mariadb://h/d\ndb.password = pass\\,word\n");
        assertThat(DmarcSettings.load(propertiesProvider(), mailetConfig("")).database().password()).isEqualTo("pass,word");
    }

    @Test
    void variablesAreExpandedAndAnUnsetOneIsNamed() throws Exception {
        System.setProperty("jamesdmarc.test.password", "from-a-property");
        try {
            dmarcProperties("db.url = jdbc:mariadb://h/d\ndb.password = ${sys:jamesdmarc.test.password}\n");
            assertThat(DmarcSettings.load(propertiesProvider(), mailetConfig("")).database().password()).isEqualTo("from-a-property");
        } finally {
            System.clearProperty("jamesdmarc.test.password");
        }

        dmarcProperties("db.url = jdbc:mariadb://h/d\ndb.password = ${env:JAMESDMARC_SURELY_UNSET_VARIABLE}\n");
        DmarcSettings unset = DmarcSettings.load(propertiesProvider(), mailetConfig(""));
        assertThatThrownBy(unset::database).isInstanceOf(MailetException.class)
            .hasMessage("DmarcReportReceiver: db.password refers to ${env:JAMESDMARC_SURELY_UNSET_VARIABLE}, but the environment "
                + "variable JAMESDMARC_SURELY_UNSET_VARIABLE is not set (db.password in conf/dmarc.properties)");
    }

    @Test
    void aFileThatCannotBeReadIsRefused() throws Exception {
        dmarcProperties("include = missing-file.properties\n");

        assertThatThrownBy(() -> DmarcSettings.load(propertiesProvider(), mailetConfig("")))
            .isInstanceOf(MailetException.class).hasMessageContaining("cannot read conf/dmarc.properties");
    }

    private void dmarcProperties(String content) throws Exception {
        Files.createDirectories(james.resolve("conf"));
        Files.writeString(james.resolve("conf/dmarc.properties"), content, StandardCharsets.UTF_8);
    }

    /** A fresh provider each time: James's caches what it found for ten minutes. */
    private PropertiesProvider propertiesProvider() {
        Configuration configuration = Configuration.builder().workingDirectory(james.toFile()).build();
        return new PropertiesProvider(new FileSystemImpl(configuration.directories()), configuration.configurationPath());
    }

    private static MailetConfig mailetConfig(String parameters) throws Exception {
        String xml = "<processors><processor state=\"root\"><mailet match=\"All\" class=\"" + MAILET + "\">" + parameters
            + "</mailet></processor></processors>";
        XMLConfiguration configuration = FileConfigurationProvider.getConfig(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        MailetConfigImpl config = new MailetConfigImpl();
        config.setMailetName(MAILET);
        config.setConfiguration(configuration.configurationsAt("processor").get(0).configurationsAt("mailet").get(0));
        return config;
    }
}
