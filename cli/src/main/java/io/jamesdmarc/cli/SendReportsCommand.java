package io.jamesdmarc.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;

import jakarta.mail.Address;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;

import io.jamesdmarc.model.aggregate.ReportFormat;
import io.jamesdmarc.model.destination.ExternalDestinationVerifier;
import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DnsSettings;
import io.jamesdmarc.model.outbound.AggregateReportMail;
import io.jamesdmarc.model.outbound.AggregateReportParts;
import io.jamesdmarc.model.outbound.ReportPeriod;
import io.jamesdmarc.model.outbound.ReporterIdentity;
import io.jamesdmarc.model.outbound.SendFrequency;
import io.jamesdmarc.model.policy.PolicyDiscovery;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;
import io.jamesdmarc.storage.evaluation.EvaluationRepository;
import io.jamesdmarc.storage.outbound.AggregateReporting;
import io.jamesdmarc.storage.outbound.OutboundAggregateReports;
import io.jamesdmarc.storage.outbound.OutgoingReport;
import io.jamesdmarc.storage.outbound.ReportDestinations;
import io.jamesdmarc.storage.outbound.ReportOutcome;
import io.jamesdmarc.storage.outbound.ReportSender;
import io.jamesdmarc.storage.outbound.ReportingSettings;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dmarc reports send}: the aggregate reports of the recorded evaluations, on demand, exactly as
 * the {@code DmarcAggregateReporter} mailet makes them (same claims in the database, so a report the
 * mailet sent is not sent again, and the other way round), sent through an SMTP relay, or with
 * {@code --dry-run} written into a folder and nothing recorded.
 */
@Command(name = "send",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
        "Makes the DMARC aggregate reports (RFC 9990) of the evaluations DmarcEvaluate recorded, as the DmarcAggregateReporter "
            + "mailet does: one per policy domain, policy configuration and period; rua destinations outside the policy domain "
            + "verified in the DNS (_report._dmarc); split at --max-size. Each report is claimed in the database first, so a report "
            + "the mailet (on any James node) sent is never sent again, nor one sent here by the mailet.",
        "",
        "Without --period: every report due now (periods of --frequency that ended, with evaluations no report counted). "
            + "Sending needs --smtp (a relay that signs with DKIM for the From domain, e.g. your James). --dry-run writes each report "
            + "(receiver!domain!begin!end!id.xml.gz) and its mail (.eml) into --out and records nothing.",
        ""},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        "0:done (also when no report is due)",
        "1:some reports failed (tried again by the next run)",
        "2:invalid command line",
        "3:the database cannot be reached or started"})
public final class SendReportsCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--period", paramLabel = "PERIOD",
        description = "One period: a UTC day (2026-05-20) or BEGIN/END instants (2026-05-20T00:00:00Z/2026-05-21T00:00:00Z). "
            + "Default: every report due.")
    String period;

    @Option(names = "--frequency", paramLabel = "FREQ", defaultValue = "daily",
        description = "hourly, daily or weekly: the periods of the reports due (default ${DEFAULT-VALUE}).")
    String frequency;

    @Option(names = "--dry-run", description = "Write the reports and their mails into --out; send nothing, record nothing.")
    boolean dryRun;

    @Option(names = "--out", paramLabel = "DIR", description = "Where --dry-run writes.")
    Path out;

    @Option(names = "--smtp", paramLabel = "HOST[:PORT]", description = "The SMTP relay reports are sent through (port 25 by default).")
    String smtp;

    @Option(names = "--domain", paramLabel = "DOMAIN", required = true,
        description = "This server's domain: the reports' receiver and Submitter, and the default of --from and --org-name.")
    String domain;

    @Option(names = "--from", paramLabel = "ADDRESS", description = "From and envelope sender (default noreply-dmarc@DOMAIN).")
    String from;

    @Option(names = "--from-name", paramLabel = "NAME", defaultValue = ReporterIdentity.DEFAULT_FROM_NAME,
        description = "From display name (default ${DEFAULT-VALUE}).")
    String fromName;

    @Option(names = "--subject", paramLabel = "TEXT", defaultValue = ReporterIdentity.DEFAULT_SUBJECT,
        description = "What the Subject starts with (default ${DEFAULT-VALUE}).")
    String subject;

    @Option(names = "--org-name", paramLabel = "NAME", description = "report_metadata/org_name (default DOMAIN).")
    String orgName;

    @Option(names = "--contact", paramLabel = "TEXT", description = "report_metadata/extra_contact_info.")
    String contact;

    @Option(names = "--max-size", paramLabel = "BYTES", defaultValue = "5242880",
        description = "Largest gzipped report; larger ones are split (default ${DEFAULT-VALUE}).")
    long maxSize;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "rfc9990", description = "rfc9990 (default) or rfc7489.")
    String format;

    @Option(names = "--dns", paramLabel = "SERVERS",
        description = "DNS servers for destination checks, host[:port] separated by commas (default: the system's).")
    String dns;

    @Option(names = "--discovery", paramLabel = "METHOD", defaultValue = "treewalk",
        description = "How Organizational Domains are found: treewalk (default) or psl.")
    String discovery;

    @Mixin
    DatabaseOptions database;

    @Override
    public Integer call() throws Exception {
        CommandLine line = spec.commandLine();
        if (dryRun && out == null) {
            throw new CommandLine.ParameterException(line, "--dry-run needs --out DIR");
        }
        if (!dryRun && (smtp == null || smtp.isBlank())) {
            throw new CommandLine.ParameterException(line, "sending needs --smtp HOST[:PORT] (or --dry-run --out DIR to write the reports)");
        }
        SendFrequency freq = SendFrequency.of(frequency).filter(f -> f != SendFrequency.NEVER)
            .orElseThrow(() -> new CommandLine.ParameterException(line, "--frequency must be hourly, daily or weekly, was " + frequency));
        Optional<ReportPeriod> only;
        try {
            only = Optional.ofNullable(period).map(ReportPeriod::parse);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(line, "--period: " + e.getMessage(), e);
        }
        ReportFormat reportFormat = switch (format.toLowerCase(Locale.ROOT)) {
            case "rfc9990" -> ReportFormat.RFC9990;
            case "rfc7489" -> ReportFormat.RFC7489;
            default -> throw new CommandLine.ParameterException(line, "--format must be rfc9990 or rfc7489, was " + format);
        };
        if (maxSize < AggregateReportParts.MIN_LIMIT) {
            throw new CommandLine.ParameterException(line, "--max-size must be at least " + AggregateReportParts.MIN_LIMIT);
        }
        DiscoveryMethod method = java.util.Arrays.stream(DiscoveryMethod.values()).filter(m -> m.token().equalsIgnoreCase(discovery))
            .findFirst().orElseThrow(() -> new CommandLine.ParameterException(line, "--discovery must be treewalk or psl"));
        String receiver = domain.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        ReporterIdentity identity = new ReporterIdentity(receiver, orgName == null ? receiver : orgName, fromName,
            from == null ? ReporterIdentity.DEFAULT_FROM_LOCAL_PART + "@" + receiver : from, subject, Optional.ofNullable(contact),
            ReporterIdentity.GENERATOR);
        ReportingSettings settings = ReportingSettings.defaults(identity, owner()).withFormat(reportFormat).withMaxReportSize(maxSize);
        DnsResolver resolver = new DnsResolver(dns == null || dns.isBlank() ? DnsSettings.system() : DnsSettings.of(dns));
        ReportDestinations destinations = ReportDestinations.verifiedBy(new ExternalDestinationVerifier(resolver,
            PolicyDiscovery.create(method, resolver)));
        if (dryRun) {
            Files.createDirectories(out);
        }
        ReportSender sender = dryRun ? this::write : new SmtpSender(smtp);

        PrintWriter output = line.getOut();
        List<ReportOutcome> outcomes = new ArrayList<>();
        try (DatabaseOptions.DatabaseHandle handle = database.open(2)) {
            AggregateReporting reporting = new AggregateReporting(new EvaluationRepository(handle.database().dataSource()),
                new OutboundAggregateReports(handle.database().dataSource()), settings, destinations, sender);
            Instant now = Instant.now();
            if (only.isPresent()) {
                outcomes.addAll(reporting.send(only.get(), now, dryRun));
            } else {
                outcomes.addAll(reporting.sendDue(freq, now, dryRun));
            }
        }
        for (ReportOutcome outcome : outcomes) {
            output.println(outcome.status().name().toLowerCase(Locale.ROOT) + " " + outcome.key().policyDomain() + " "
                + outcome.key().period() + " " + outcome.reportId() + (outcome.parts() > 0 ? " (" + outcome.parts() + " part"
                + (outcome.parts() > 1 ? "s" : "") + ", " + outcome.records() + " records, " + outcome.messages() + " messages)" : "")
                + (outcome.mailboxes().isEmpty() ? "" : " to " + String.join(", ", outcome.mailboxes())) + ": " + outcome.detail());
        }
        if (outcomes.isEmpty()) {
            output.println("No aggregate report due.");
        }
        output.flush();
        return outcomes.stream().anyMatch(o -> o.status() == ReportOutcome.Status.FAILED) ? 1 : 0;
    }

    private void write(OutgoingReport report) throws IOException {
        Files.write(out.resolve(report.part().fileName()), report.part().gzip());
        try (OutputStream eml = Files.newOutputStream(out.resolve(report.part().fileName().replaceAll("\\.xml\\.gz$", "") + ".eml"))) {
            eml.write(AggregateReportMail.bytes(report.message()));
        }
    }

    /** Hands report mails to an SMTP relay, envelope as the report says. */
    static final class SmtpSender implements ReportSender {
        private final Session session;

        SmtpSender(String relay) {
            String host = relay;
            String port = "25";
            int colon = relay.lastIndexOf(':');
            if (colon > 0 && !relay.endsWith("]")) {
                host = relay.substring(0, colon);
                port = relay.substring(colon + 1);
            }
            Properties properties = new Properties();
            properties.setProperty("mail.smtp.host", host);
            properties.setProperty("mail.smtp.port", port);
            properties.setProperty("mail.smtp.connectiontimeout", "30000");
            properties.setProperty("mail.smtp.timeout", "60000");
            this.session = Session.getInstance(properties);
        }

        @Override
        public void send(OutgoingReport report) throws Exception {
            Properties envelope = new Properties();
            envelope.putAll(session.getProperties());
            envelope.setProperty("mail.smtp.from", report.envelopeSender());
            Session withSender = Session.getInstance(envelope);
            List<Address> recipients = new ArrayList<>();
            for (String recipient : report.recipients()) {
                recipients.add(new InternetAddress(recipient));
            }
            try (Transport transport = withSender.getTransport("smtp")) {
                transport.connect();
                transport.sendMessage(report.message(), recipients.toArray(Address[]::new));
            }
        }
    }

    private static String owner() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "/" + ManagementFactory.getRuntimeMXBean().getPid() + "/dmarc-reports-send";
    }
}
