package io.jamesdmarc.cli;

import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.jamesdmarc.cli.demo.DemoDatabase;
import io.jamesdmarc.cli.demo.DemoReports;
import io.jamesdmarc.cli.web.DashboardServer;
import io.jamesdmarc.cli.web.DnsReverseNames;
import io.jamesdmarc.cli.web.ReverseNames;
import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DnsSettings;
import io.jamesdmarc.storage.Database;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dmarc serve}: the HTTP API and the web dashboard over the DMARC database, until stopped
 * (Ctrl-C). {@code --demo} serves made-up reports from a database of their own instead.
 */
@Command(name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
        "Serves the web dashboard and the HTTP API (JSON, under /api/exchange/dmarc-reports) over the DMARC database: "
            + "a MariaDB server (--db), else the embedded one. Runs until stopped (Ctrl-C).",
        "",
        "It listens on 127.0.0.1 (this machine only) unless --bind says otherwise; any other address needs a token "
            + "(--token or $" + ServeCommand.ENV_TOKEN + "), which API clients then send as 'Authorization: Bearer <token>' "
            + "(the dashboard asks for it once).",
        "",
        "--demo fills a database of its own (" + DemoDatabase.DATABASE + " in the embedded MariaDB, emptied first; real "
            + "reports are never touched) with 30 days of made-up reports about example.com, example.org and example.net, "
            + "then serves them.",
        ""},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        "0:stopped",
        "2:invalid command line (a non-loopback --bind without a token, a port in use)",
        "3:the database cannot be reached or started"})
public final class ServeCommand implements Callable<Integer> {

    public static final String ENV_TOKEN = "DMARC_API_TOKEN";

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to listen on. Default: ${DEFAULT-VALUE} (this machine only).")
    String bind = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (0: any free port). Default: ${DEFAULT-VALUE}.")
    int port = 8080;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:" + ENV_TOKEN + "}",
        showDefaultValue = CommandLine.Help.Visibility.NEVER,
        description = "Token API clients must send (Authorization: Bearer TOKEN); required with a --bind other than a loopback "
            + "address. Default: $" + ENV_TOKEN + " (better than the option: a command line is visible in ps).")
    String token;

    @Option(names = "--threads", paramLabel = "N", description = "Requests answered at once. Default: ${DEFAULT-VALUE}.")
    int threads = 4;

    @Option(names = "--dns", paramLabel = "SERVERS",
        description = "DNS servers for the reverse names (PTR) of sending sources, e.g. 192.0.2.53,[2001:db8::53]:5353. "
            + "Default: the system's resolvers.")
    String dnsServers;

    @Option(names = "--no-reverse-dns", description = "Do not look up the reverse names of sending sources.")
    boolean noReverseDns;

    @Option(names = "--demo", description = "Serve made-up demo reports from a database of their own (" + DemoDatabase.DATABASE + ").")
    boolean demo;

    @Mixin
    DatabaseOptions database;

    /** Counted down to stop the server (tests); otherwise it runs until the JVM ends. */
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile DashboardServer running;

    @Override
    public Integer call() throws Exception {
        DashboardServer.Settings settings = settings();
        PrintWriter out = spec.commandLine().getOut();
        try (Served served = open(out); ReverseNames names = reverseNames()) {
            long pending = served.database().dashboardSummaries().pending();
            if (pending > 0) {
                out.println("Adding " + pending + " stored reports to the dashboard figures (once; later reports as they come) ...");
                out.flush();
            }
            DashboardServer server;
            try {
                server = DashboardServer.start(settings, served.database(), names, Clock.systemUTC());
            } catch (BindException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "cannot listen on " + bind + ":" + port + ": " + e.getMessage()
                    + (port != 0 ? " (is another dmarc serve running? try --port)" : ""), e);
            }
            Thread shutdown = new Thread(stop::countDown, "dmarc serve shutdown");
            Runtime.getRuntime().addShutdownHook(shutdown);
            try (server) {
                out.println("Dashboard: " + shownUrl(server) + (settings.token().isPresent() ? "  (the API needs the token)" : ""));
                out.println("API:       " + shownUrl(server) + "api/exchange/dmarc-reports");
                out.println("Data:      " + served.description());
                out.println("Stop with Ctrl-C.");
                out.flush();
                running = server;
                stop.await();
            } finally {
                running = null;
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdown);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down: the hook is what stopped us
                }
            }
        }
        return 0;
    }

    /** Stops a running {@link #call()} (for tests and embedding). */
    void stop() {
        stop.countDown();
    }

    /** The server once it listens, else empty (for tests). */
    Optional<DashboardServer> server() {
        return Optional.ofNullable(running);
    }

    private DashboardServer.Settings settings() {
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--bind: no such address or host: " + bind);
        }
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be between 0 and 65535, was " + port);
        }
        try {
            return new DashboardServer.Settings(new InetSocketAddress(address, port), Optional.ofNullable(token), threads, demo);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage().replace("threads", "--threads"), e);
        }
    }

    private ReverseNames reverseNames() {
        if (noReverseDns) {
            return ReverseNames.OFF;
        }
        if (demo) {
            // the demo's addresses are documentation ones: their names come with the demo, not from the DNS
            return ReverseNames.fixed(DemoReports.reverseNames());
        }
        try {
            DnsSettings dns = dnsServers == null || dnsServers.isBlank() ? DnsSettings.system() : DnsSettings.of(dnsServers);
            return new DnsReverseNames(new DnsResolver(dns.withTimeout(java.time.Duration.ofSeconds(2)).withAttempts(1)));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dns: " + e.getMessage(), e);
        }
    }

    /** The database served, and what to call it. */
    private interface Served extends AutoCloseable {
        Database database();

        String description();

        @Override
        void close();
    }

    private Served open(PrintWriter out) throws Exception {
        int poolSize = threads + 1;
        if (demo) {
            out.println("Loading the demo reports (" + DemoReports.DAYS + " days about " + String.join(", ", DemoReports.domains())
                + ") into " + DemoDatabase.DATABASE + " in the embedded MariaDB in " + database.dataDir() + " ...");
            out.flush();
            DemoReports reports = DemoReports.generate(LocalDate.now(ZoneOffset.UTC), DEMO_SEED);
            DemoDatabase demoDatabase = DemoDatabase.load(database.dataDir(), reports, poolSize);
            String description = "demo reports (" + reports.aggregates().size() + " aggregate, " + reports.failures().size()
                + " failure reports, " + reports.firstDay() + " to " + reports.lastDay() + ") in " + DemoDatabase.DATABASE
                + " of the embedded MariaDB in " + database.dataDir();
            return new Served() {
                @Override
                public Database database() {
                    return demoDatabase.database();
                }

                @Override
                public String description() {
                    return description;
                }

                @Override
                public void close() {
                    demoDatabase.close();
                }
            };
        }
        DatabaseOptions.DatabaseHandle handle = database.open(poolSize);
        return new Served() {
            @Override
            public Database database() {
                return handle.database();
            }

            @Override
            public String description() {
                return handle.description();
            }

            @Override
            public void close() {
                handle.close();
            }
        };
    }

    /** The URL to open in a browser: localhost for the loopback address, as people type it. */
    private static String shownUrl(DashboardServer server) {
        String url = server.url().toString();
        return url.replace("://127.0.0.1:", "://localhost:");
    }

    static final long DEMO_SEED = 20260601L;
}
