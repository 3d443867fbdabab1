package io.jamesdmarc.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.mailets.evaluate.RecorderMetrics;
import io.jamesdmarc.mailets.testing.GeneratedReport;
import io.jamesdmarc.mailets.testing.ReportMails;
import io.jamesdmarc.model.testing.Corpus;
import io.jamesdmarc.model.testing.DkimTestKey;
import io.jamesdmarc.model.testing.LoopbackDnsServer;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * The plugin jar {@code mvn package} builds, as an operator deploys it: copied into James's
 * {@code extensions-jars/} folder and found there by James's own {@code ExtendedClassLoader} and
 * {@code GuiceGenericLoader}, with the sample {@code mailetcontainer.xml}. The James side runs in a
 * class loader of James's libraries and the test harness only: neither our classes nor HikariCP,
 * the MariaDB driver or Flyway are there, so the report is stored with what the jar ships or not
 * at all.
 */
class PluginJarIT {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    /** DmarcEvaluate's DNS: no record anywhere, so every mail is "none" (and nothing asks the Internet). */
    private static LoopbackDnsServer dns;

    @BeforeAll
    static void startDns() {
        dns = LoopbackDnsServer.start();
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    /** What the jar may hold: our code and the three libraries James does not ship. */
    private static final Pattern SHIPPED = Pattern.compile(
        "(META-INF/versions/\\d+/)?(io/jamesdmarc/(model|storage|mailets|matchers)/|com/zaxxer/hikari/|org/mariadb/jdbc/|org/flywaydb/).*");
    /** Where our classes and the shipped libraries sit on the test class path. */
    private static final Pattern OURS_OR_SHIPPED = Pattern.compile(
        ".*(/target/classes/?|/james-dmarc-(model|storage|mailets)-[^/]*(?<!-tests)\\.jar|/HikariCP-[^/]*\\.jar"
            + "|/mariadb-java-client-[^/]*\\.jar|/flyway-[^/]*\\.jar|/(model|storage)/target/test-classes/?"
            + "|/james-dmarc-(model|storage)-[^/]*-tests\\.jar)");

    private static Path pluginJar() {
        String property = System.getProperty("jamesdmarc.pluginJar");
        assertThat(property).as("jamesdmarc.pluginJar (set by the failsafe configuration)").isNotNull();
        Path jar = Path.of(property);
        assertThat(jar).as("the plugin jar: run mvn verify, which packages it first").isRegularFile();
        return jar;
    }

    @Test
    void theJarHoldsOurCodeAndTheThreeLibrariesAndNothingOfJames() throws IOException {
        List<String> classes = new ArrayList<>();
        List<String> resources = new ArrayList<>();
        try (JarFile jar = new JarFile(pluginJar().toFile())) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                if (!name.endsWith("/")) {
                    (name.endsWith(".class") ? classes : resources).add(name);
                }
            }
        }
        assertThat(classes).allSatisfy(name -> assertThat(name).matches(SHIPPED));
        assertThat(classes).contains("io/jamesdmarc/mailets/DmarcReportReceiver.class", "io/jamesdmarc/mailets/settings/DmarcSettings.class",
            "io/jamesdmarc/mailets/DmarcEvaluate.class", "io/jamesdmarc/matchers/IsDmarcDisposition.class",
            "io/jamesdmarc/storage/evaluation/EvaluationRecorder.class", "io/jamesdmarc/model/evaluation/message/MessageEvaluator.class",
            "io/jamesdmarc/model/unpack/ReportExtractor.class", "io/jamesdmarc/storage/ingest/ReportStore.class",
            "com/zaxxer/hikari/HikariDataSource.class", "org/mariadb/jdbc/Driver.class", "org/flywaydb/core/Flyway.class",
            "org/flywaydb/database/mysql/mariadb/MariaDBDatabaseType.class");
        assertThat(classes).noneMatch(name -> name.startsWith("io/jamesdmarc/storage/embedded/") || name.contains("/testing/"));
        assertThat(resources).contains("db/migration/james-dmarc/V1__receiving_side_tables.sql", "META-INF/services/java.sql.Driver",
            "META-INF/services/org.flywaydb.core.extensibility.Plugin");
        assertThat(resources).allSatisfy(name -> assertThat(name).doesNotStartWith("org/apache/james").doesNotEndWith("logback-test.xml"));
        try (JarFile jar = new JarFile(pluginJar().toFile())) {
            String services = new String(jar.getInputStream(jar.getEntry("META-INF/services/org.flywaydb.core.extensibility.Plugin"))
                .readAllBytes(), StandardCharsets.UTF_8);
            assertThat(services).as("flyway-core's and flyway-mysql's plugins, merged")
                .contains("org.flywaydb.core.internal.resource.CoreResourceTypeProvider", "org.flywaydb.database.mysql.mariadb.MariaDBDatabaseType");
        }
    }

    @Test
    void jamesLoadsTheSampleFromExtensionsJarsAndStoresAReport() throws Exception {
        Path jar = pluginJar();
        GeneratedReport report = GeneratedReport.of(42, "example.com", 20);
        // the sample reads the reports' DKIM key from conf/: here, a key written into the configuration instead
        String xml = Files.readString(Corpus.projectRoot().resolve("conf-samples/mailetcontainer.xml"), StandardCharsets.UTF_8)
            .replace("<privateKeyFilepath>file://conf/dkim-dmarc-reports.pem</privateKeyFilepath>",
                "<privateKey>" + DkimTestKey.generate(2048).privateKeyPem() + "</privateKey>");
        String properties = "db.url = " + DB.config().url() + "\ndb.user = " + DB.config().user() + "\ndb.password = "
            + DB.config().password() + "\ndns.servers = 127.0.0.1:" + dns.address().getPort() + "\nevaluations.batchDelayMillis = 0\n";

        List<URL> jamesOnly = new ArrayList<>();
        for (String entry : testClassPath()) {
            if (!OURS_OR_SHIPPED.matcher(entry.replace(File.separatorChar, '/')).matches()) {
                jamesOnly.add(Path.of(entry).toUri().toURL());
            }
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader james = new URLClassLoader("james-without-james-dmarc", jamesOnly.toArray(URL[]::new),
            ClassLoader.getPlatformClassLoader())) {
            for (String absent : List.of(DmarcReportReceiver.class.getName(), "io.jamesdmarc.storage.Database",
                "com.zaxxer.hikari.HikariDataSource", "org.mariadb.jdbc.Driver", "org.flywaydb.core.Flyway")) {
                assertThatThrownBy(() -> Class.forName(absent, false, james)).as(absent + " outside the jar")
                    .isInstanceOf(ClassNotFoundException.class);
            }
            // as in James: the spool thread's context class loader is the server's, which cannot see extensions
            Thread.currentThread().setContextClassLoader(james);
            List<String> lines = ((List<?>) Class.forName("io.jamesdmarc.mailets.testing.IsolatedPipelineRun", true, james)
                .getMethod("run", Path.class, String.class, String.class, byte[].class, String.class, String.class, String.class, List.class)
                .invoke(null, jar, xml, properties, report.mail("isolated@reporter.example"), "Mail1", ReportMails.REPORTER,
                    "dmarc-rua@example.com", List.of(DmarcReportReceiver.METRIC_STORED, DmarcReportReceiver.METRIC_STORE_ERRORS,
                        DmarcEvaluate.resultMetric(DmarcResult.NONE), RecorderMetrics.RECORDED)))
                .stream().map(String::valueOf).toList();

            String extensionsJar = "/extensions-jars/" + jar.getFileName();
            assertThat(lines).anySatisfy(line -> assertThat(line)
                .startsWith("mailet io.jamesdmarc.mailets.DmarcReportReceiver from file:").endsWith(extensionsJar));
            assertThat(lines).anySatisfy(line -> assertThat(line)
                .startsWith("mailet io.jamesdmarc.mailets.DmarcEvaluate from file:").endsWith(extensionsJar));
            assertThat(lines).contains("seen LocalDelivery Mail1 [dmarc-rua@example.com]",
                "metric " + DmarcReportReceiver.METRIC_STORED + "=1", "metric " + DmarcReportReceiver.METRIC_STORE_ERRORS + "=0",
                "metric " + DmarcEvaluate.resultMetric(DmarcResult.NONE) + "=1");
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }

        SqlProbe sql = new SqlProbe(DB.dataSource());
        assertThat(sql.strings("SELECT CONCAT(report_id, ' ', record_count) FROM aggregate_reports")).containsExactly(report.reportId() + " 20");
        assertThat(sql.strings("SELECT CONCAT(origin_key, ' ', dmarc_result) FROM received_messages")).containsExactly("Mail1 none");
        // recorded by the jar's recorder before James stopped
        assertThat(sql.strings("SELECT CONCAT(message_id, ' ', result) FROM evaluations")).containsExactly("<isolated@reporter.example> none");
    }

    /** The test class path, as the failsafe plugin gives it (in its booter jar's manifest when not on the command line). */
    private static List<String> testClassPath() throws IOException {
        String property = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = new ArrayList<>(List.of(property.split(File.pathSeparator)));
        if (entries.size() == 1 && entries.get(0).endsWith(".jar")) {
            try (JarFile booter = new JarFile(entries.get(0))) {
                Manifest manifest = booter.getManifest();
                String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
                if (classPath != null) {
                    entries.clear();
                    for (String url : classPath.split(" ")) {
                        entries.add(Path.of(java.net.URI.create(url)).toString());
                    }
                }
            }
        }
        assertThat(entries).as("test class path").hasSizeGreaterThan(Set.of("harness", "james").size());
        return entries;
    }
}
