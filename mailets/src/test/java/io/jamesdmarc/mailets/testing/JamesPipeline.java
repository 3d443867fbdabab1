package io.jamesdmarc.mailets.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import jakarta.mail.MessagingException;

import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailetcontainer.impl.CompositeProcessorImpl;
import org.apache.james.mailetcontainer.impl.MailetProcessorImpl;
import org.apache.james.mailetcontainer.api.MailProcessor;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.server.core.configuration.FileConfigurationProvider;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.apache.james.utils.ExtendedClassLoader;
import org.apache.james.utils.ExtensionConfiguration;
import org.apache.james.utils.GuiceGenericLoader;
import org.apache.james.utils.GuiceMailetLoader;
import org.apache.james.utils.GuiceMatcherLoader;
import org.apache.james.utils.PropertiesProvider;
import org.apache.mailet.Mail;
import org.apache.mailet.Mailet;
import org.apache.mailet.base.test.FakeMailContext;

import com.google.common.collect.ImmutableSet;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;

/**
 * A James mail processor in a plain test: James's own {@link CompositeProcessorImpl}, mailet and
 * matcher loaders ({@link GuiceGenericLoader} over an {@link ExtendedClassLoader}), configured from a
 * {@code mailetcontainer.xml}, in a working directory of its own with a {@code conf/} folder
 * (where James's {@link PropertiesProvider} finds {@code dmarc.properties}) and an
 * {@code extensions-jars/} folder.
 *
 * <p>The Guice injector binds what James binds for the mailets we use: {@link FileSystem},
 * {@link MetricFactory} (a {@link RecordingMetricFactory}), {@link PropertiesProvider}, DKIMVerify's
 * {@link PublicKeyRecordRetriever} (one that finds no key), and the {@link StandInRecorder} of the
 * stand-ins for James's mailets that are not on Maven Central (see
 * {@code org.apache.james.transport.mailets} in this test-jar). Add or replace what other mailets
 * inject ({@code DNSService}, a retriever with keys...) with {@link Builder#module}.
 * Mails that mailets send land in {@link #sentMails()}; they are not run through the pipeline.
 *
 * <pre>
 * try (JamesPipeline james = JamesPipeline.builder()
 *         .mailetContainer(Path.of("conf-samples/mailetcontainer.xml"))
 *         .dmarcProperties("db.url = jdbc:mariadb://127.0.0.1:3306/x\n")
 *         .start()) {
 *     james.service(InboundMail.of("Mail1", bytes, "reporter@example.org", "dmarc-rua@example.com"));
 *     james.standIns().seen("LocalDelivery") ...
 * }
 * </pre>
 *
 * <p>Uses nothing of james-dmarc's own code, so that a test can run it in a class loader where only
 * the plugin jar in {@code extensions-jars/} holds our classes.
 */
public final class JamesPipeline implements AutoCloseable {

    public static final String DEFAULT_DOMAIN = "example.com";

    /** What DKIMVerify asks for keys when a test binds nothing else: no key is published anywhere (no DNS in a test). */
    private static final PublicKeyRecordRetriever NO_DKIM_KEYS = (method, selector, domain) -> {
        throw new PermFailException("no DKIM key at " + selector + "._domainkey." + domain
            + " (JamesPipeline: bind a PublicKeyRecordRetriever with Builder.module)");
    };

    private final Path workingDirectory;
    private final CompositeProcessorImpl processor;
    private final RecordingMetricFactory metrics;
    private final StandInRecorder standIns;
    private final LocalDomainsMailetContext context;

    private JamesPipeline(Path workingDirectory, CompositeProcessorImpl processor, RecordingMetricFactory metrics,
                          StandInRecorder standIns, LocalDomainsMailetContext context) {
        this.workingDirectory = workingDirectory;
        this.processor = processor;
        this.metrics = metrics;
        this.standIns = standIns;
        this.context = context;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs one mail through the processors, from its state (root for a new mail), then releases it,
     * as James's spooler does: its state and attributes stay readable, its message does not. To
     * retry a mail as James does, service a new copy of it under the same name.
     */
    public void service(Mail mail) throws MessagingException {
        try {
            processor.service(mail);
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    public RecordingMetricFactory metrics() {
        return metrics;
    }

    public StandInRecorder standIns() {
        return standIns;
    }

    /** What mailets sent through the mailet context (bounces, reports...). */
    public List<FakeMailContext.SentMail> sentMails() {
        return context.delegate().getSentMails();
    }

    public Path workingDirectory() {
        return workingDirectory;
    }

    public Path confDirectory() {
        return workingDirectory.resolve("conf");
    }

    /** The mailet instances James loaded into processor {@code state}, in configuration order. */
    public List<Mailet> mailets(String state) {
        MailProcessor mailProcessor = processor.getProcessor(state);
        if (mailProcessor instanceof MailetProcessorImpl mailets) {
            return mailets.getMailets();
        }
        throw new IllegalArgumentException("no processor " + state);
    }

    /** Destroys every mailet (closing what they hold) and deletes the working directory. */
    @Override
    public void close() {
        try {
            processor.dispose();
        } finally {
            deleteRecursively(workingDirectory);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }

    public static final class Builder {
        private String mailetContainerXml;
        private String dmarcProperties;
        private final List<Path> extensionJars = new ArrayList<>();
        private final java.util.Map<String, String> confFiles = new java.util.LinkedHashMap<>();
        private List<String> localDomains = List.of(DEFAULT_DOMAIN);
        private String postmaster = "postmaster@" + DEFAULT_DOMAIN;
        private final List<Module> modules = new ArrayList<>();
        private boolean keepMessages = true;

        private Builder() {
        }

        /** Whether the stand-ins keep the bytes of each mail they get (default true; a benchmark does without). */
        public Builder keepMessages(boolean keep) {
            this.keepMessages = keep;
            return this;
        }

        /** The mailetcontainer.xml to load, as it is on disk. */
        public Builder mailetContainer(Path file) {
            try {
                return mailetContainerXml(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }

        public Builder mailetContainerXml(String xml) {
            this.mailetContainerXml = xml;
            return this;
        }

        /** The content of {@code conf/dmarc.properties}; without it there is no such file. */
        public Builder dmarcProperties(String content) {
            this.dmarcProperties = content;
            return this;
        }

        /** Another file of {@code conf/} ({@code dkim/reports.pem}...), e.g. a key a mailet reads at init. */
        public Builder confFile(String relativePath, String content) {
            confFiles.put(relativePath, content);
            return this;
        }

        /** A jar to put into {@code extensions-jars/}, where James's {@link ExtendedClassLoader} finds extensions. */
        public Builder extensionJar(Path jar) {
            extensionJars.add(jar);
            return this;
        }

        /** The domains the server is the final destination for (default {@value #DEFAULT_DOMAIN}). */
        public Builder localDomains(String... domains) {
            this.localDomains = List.of(domains);
            return this;
        }

        public Builder postmaster(String address) {
            this.postmaster = address;
            return this;
        }

        /** More bindings, e.g. for what other mailets inject; they override the defaults. */
        public Builder module(Module module) {
            modules.add(module);
            return this;
        }

        /**
         * Loads and initialises every processor, matcher and mailet, as James does at start-up.
         *
         * @throws Exception what James's loading threw (bad configuration: a mailet's {@code init()} failed...)
         */
        public JamesPipeline start() throws Exception {
            if (mailetContainerXml == null) {
                throw new IllegalStateException("no mailetcontainer.xml given");
            }
            Path directory = Files.createTempDirectory("james-pipeline");
            try {
                Files.createDirectories(directory.resolve("conf"));
                Path extensions = Files.createDirectories(directory.resolve(ExtendedClassLoader.EXTENSIONS_JARS_FOLDER_NAME));
                Files.writeString(directory.resolve("conf/mailetcontainer.xml"), mailetContainerXml, StandardCharsets.UTF_8);
                if (dmarcProperties != null) {
                    Files.writeString(directory.resolve("conf/dmarc.properties"), dmarcProperties, StandardCharsets.UTF_8);
                }
                for (java.util.Map.Entry<String, String> file : confFiles.entrySet()) {
                    Path target = directory.resolve("conf").resolve(file.getKey()).normalize();
                    Files.createDirectories(target.getParent());
                    Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
                }
                for (Path jar : extensionJars) {
                    Files.copy(jar, extensions.resolve(jar.getFileName()));
                }
                return start(directory);
            } catch (Exception | Error e) {
                deleteRecursively(directory);
                throw e;
            }
        }

        private JamesPipeline start(Path directory) throws Exception {
            Configuration configuration = Configuration.builder().workingDirectory(directory.toFile()).build();
            FileSystem fileSystem = new FileSystemImpl(configuration.directories());
            PropertiesProvider propertiesProvider = new PropertiesProvider(fileSystem, configuration.configurationPath());
            RecordingMetricFactory metrics = new RecordingMetricFactory();
            StandInRecorder standIns = new StandInRecorder(keepMessages);
            Module james = binder -> {
                binder.bind(FileSystem.class).toInstance(fileSystem);
                binder.bind(MetricFactory.class).toInstance(metrics);
                binder.bind(PropertiesProvider.class).toInstance(propertiesProvider);
                binder.bind(StandInRecorder.class).toInstance(standIns);
                binder.bind(PublicKeyRecordRetriever.class).toInstance(NO_DKIM_KEYS);
            };
            Injector injector = Guice.createInjector(Modules.override(james).with(modules));
            GuiceGenericLoader loader = new GuiceGenericLoader(injector, new ExtendedClassLoader(fileSystem), ExtensionConfiguration.DEFAULT);
            LocalDomainsMailetContext context = new LocalDomainsMailetContext(
                FakeMailContext.builder().postmaster(new MailAddress(postmaster)).build(), localDomains);
            CompositeProcessorImpl processor = new CompositeProcessorImpl(metrics, context, new GuiceMatcherLoader(loader),
                new GuiceMailetLoader(loader, ImmutableSet.of()));
            XMLConfiguration xml = FileConfigurationProvider.getConfig(
                new ByteArrayInputStream(mailetContainerXml.getBytes(StandardCharsets.UTF_8)));
            processor.configure(xml.configurationAt("processors"));
            try {
                processor.init();
            } catch (Exception | Error e) {
                processor.dispose();
                throw e;
            }
            return new JamesPipeline(directory, processor, metrics, standIns, context);
        }
    }
}
